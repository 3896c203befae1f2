package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"mime"
	"net/http"
	"path"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

// NewHandler serves the bucket's files:
//
//	GET  /               a page listing the files, with an upload form
//	POST /files          store the files of a multipart form (field "file")
//	GET  /files/{name}   the latest revision of a file (HEAD too)
func NewHandler(b *gridfs.Bucket) http.Handler {
	h := &handler{bucket: b}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.index)
	mux.HandleFunc("POST /files", h.upload)
	mux.HandleFunc("GET /files/{name...}", h.download)
	return mux
}

type handler struct {
	bucket *gridfs.Bucket
}

// download streams a file with http.ServeContent, which answers Range
// (206, or 416 for a range past the end), If-None-Match (against the ETag
// set here), If-Modified-Since (against the upload date) and HEAD, and
// sets Content-Length. It reads the file through the download stream's
// Seek and Read: only the chunks a range needs are fetched.
func (h *handler) download(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ds, err := h.bucket.OpenDownloadStreamByName(r.Context(), name, -1)
	if errors.Is(err, gridfs.ErrFileNotFound) {
		http.Error(w, fmt.Sprintf("no file named %q", name), http.StatusNotFound)
		return
	}
	if err != nil {
		log.Printf("open %q: %v", name, err)
		http.Error(w, "the database failed", http.StatusInternalServerError)
		return
	}
	defer ds.Close()
	f := ds.File()
	w.Header().Set("ETag", etag(f))
	if ct := contentType(f); ct != "" {
		w.Header().Set("Content-Type", ct) // else ServeContent sniffs the first bytes
	}
	http.ServeContent(w, r, name, f.UploadDate, ds)
}

// etag names one stored file: a file's content never changes under its
// _id (a new upload is a new revision with a new _id).
func etag(f gridfs.File) string {
	if oid, ok := f.ID.(bson.ObjectID); ok {
		return `"` + oid.Hex() + `"`
	}
	b, _ := bson.Marshal(bson.D{bson.KV("id", f.ID)})
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// contentType is the type recorded at upload (metadata.contentType, or
// the legacy top-level contentType), else the one of the name's
// extension, else "" (sniff).
func contentType(f gridfs.File) string {
	if ct, ok := f.Metadata.Lookup("contentType").StringValue(); ok {
		return ct
	}
	if ct, ok := f.Raw.Lookup("contentType").StringValue(); ok {
		return ct
	}
	return mime.TypeByExtension(path.Ext(f.Name))
}

// upload stores each file of a multipart form as it arrives, part by
// part: nothing is buffered beyond GridFS's chunk batches.
func (h *handler) upload(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, "want a multipart/form-data upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	stored := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
			return
		}
		name := path.Base(part.FileName())
		if part.FormName() != "file" || part.FileName() == "" || name == "/" || name == "." {
			continue
		}
		meta := bson.D{}
		if ct := part.Header.Get("Content-Type"); ct != "" && ct != "application/octet-stream" {
			meta = append(meta, bson.KV("contentType", ct))
		}
		if _, err := h.bucket.UploadFromStream(r.Context(), name, part, gridfs.UploadOptions{Metadata: meta}); err != nil {
			log.Printf("upload %q: %v", name, err)
			http.Error(w, "storing the file failed", http.StatusInternalServerError)
			return
		}
		stored++
	}
	if stored == 0 {
		http.Error(w, `no file in the form's "file" field`, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// index lists the files (latest revision first) under an upload form.
func (h *handler) index(w http.ResponseWriter, r *http.Request) {
	cur, err := h.bucket.Find(r.Context(), bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("uploadDate", -1)}})
	if err != nil {
		log.Printf("list: %v", err)
		http.Error(w, "the database failed", http.StatusInternalServerError)
		return
	}
	defer cur.Close(r.Context())
	var files []gridfs.File
	seen := map[string]bool{}
	for cur.Next(r.Context()) {
		var f gridfs.File
		if err := cur.Decode(&f); err != nil {
			log.Printf("list: %v", err)
			continue
		}
		if !seen[f.Name] { // older revisions hide behind the latest
			seen[f.Name] = true
			files = append(files, f)
		}
	}
	if err := cur.Err(); err != nil {
		log.Printf("list: %v", err)
		http.Error(w, "the database failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	indexPage.Execute(w, files)
}

var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<title>GridFS files</title>
<h1>GridFS files</h1>
<form method="post" action="/files" enctype="multipart/form-data">
  <input type="file" name="file" id="file" multiple>
  <button type="submit" id="upload">Upload</button>
</form>
<ul id="files">
{{range .}}  <li><a href="/files/{{.Name}}">{{.Name}}</a> <span class="size">{{.Length}} bytes</span></li>
{{else}}  <li id="empty">No files yet.</li>
{{end}}</ul>
`))
