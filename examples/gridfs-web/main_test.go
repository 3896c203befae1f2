package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/internal/testenv"
)

// setup serves a fresh bucket of FerretDB, through wrap when given.
func setup(t *testing.T, wrap ...func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	uri := testenv.URI(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 5)
	rand.Read(suffix)
	db := c.Database("gridfsweb_" + hex.EncodeToString(suffix))
	bucket, err := gridfs.NewBucket(db, gridfs.BucketOptions{ChunkSize: 64 * 1024})
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(bucket)
	for _, w := range wrap {
		h = w(h)
	}
	web := httptest.NewServer(h)
	t.Cleanup(func() {
		web.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		db.Drop(ctx)
		c.Disconnect(ctx)
	})
	return web
}

// upload posts one file as a browser's form would, streamed through a
// pipe.
func upload(t *testing.T, url, name, contentType string, data []byte) *http.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		part, err := mw.CreatePart(h)
		if err == nil {
			_, err = part.Write(data)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(url+"/files", mw.FormDataContentType(), pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestUploadDownload: a file uploaded through the form comes back byte for
// byte with its type, length, ETag and Last-Modified; conditional requests
// get 304; Range requests get 206 with just the bytes asked for, across
// chunk boundaries; a range past the end gets 416.
func TestUploadDownload(t *testing.T) {
	web := setup(t)
	data := make([]byte, 300*1024+11) // 5 chunks of 64 KiB, the last short
	rand.Read(data)
	if resp := upload(t, web.URL, "clip.webm", "video/webm", data); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %s", resp.Status)
	}

	resp, body := get(t, web.URL+"/files/clip.webm")
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Fatalf("GET: %s, %d bytes, want 200 and the %d bytes uploaded", resp.Status, len(body), len(data))
	}
	h := resp.Header
	if h.Get("Content-Type") != "video/webm" || h.Get("Content-Length") != fmt.Sprint(len(data)) ||
		h.Get("Accept-Ranges") != "bytes" || !strings.HasPrefix(h.Get("ETag"), `"`) || h.Get("Last-Modified") == "" {
		t.Errorf("headers: %v", h)
	}
	if resp, _ := get(t, web.URL+"/files/clip.webm", "If-None-Match", h.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %s, want 304", resp.Status)
	}
	if resp, _ := get(t, web.URL+"/files/clip.webm", "If-Modified-Since", h.Get("Last-Modified")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %s, want 304", resp.Status)
	}
	if resp, _ := get(t, web.URL+"/files/clip.webm", "If-None-Match", `"other"`); resp.StatusCode != 200 {
		t.Errorf("If-None-Match another ETag: %s, want 200", resp.Status)
	}

	from, to := 65530, 200000 // crosses chunks 0 to 3
	resp, body = get(t, web.URL+"/files/clip.webm", "Range", fmt.Sprintf("bytes=%d-%d", from, to))
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[from:to+1]) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", from, to, len(data)) {
		t.Errorf("Range: %s %q, %d bytes", resp.Status, resp.Header.Get("Content-Range"), len(body))
	}
	resp, body = get(t, web.URL+"/files/clip.webm", "Range", "bytes=-10")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[len(data)-10:]) {
		t.Errorf("suffix Range: %s, %d bytes", resp.Status, len(body))
	}
	if resp, _ := get(t, web.URL+"/files/clip.webm", "Range", fmt.Sprintf("bytes=%d-", len(data)+5)); resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("Range past the end: %s, want 416", resp.Status)
	}
}

// TestIndexAndErrors: the page lists the latest revision of each file;
// an unknown file is a 404; a form without a file is a 400; a type not
// given at upload comes from the extension.
func TestIndexAndErrors(t *testing.T) {
	web := setup(t)
	if _, body := get(t, web.URL+"/"); !strings.Contains(string(body), "No files yet.") {
		t.Errorf("empty page: %s", body)
	}
	upload(t, web.URL, "notes.txt", "", []byte("first"))
	upload(t, web.URL, "notes.txt", "", []byte("second"))
	upload(t, web.URL, "a b&c.html", "", []byte("<p>hi</p>"))
	_, body := get(t, web.URL+"/")
	page := string(body)
	if strings.Count(page, "notes.txt</a>") != 1 || !strings.Contains(page, `href="/files/a%20b&amp;c.html"`) ||
		!strings.Contains(page, "6 bytes") {
		t.Errorf("page:\n%s", page)
	}
	resp, body := get(t, web.URL+"/files/notes.txt")
	if string(body) != "second" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("latest revision: %q %q", body, resp.Header.Get("Content-Type"))
	}
	if resp, _ := get(t, web.URL+"/files/a%20b&c.html"); resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("html type: %q", resp.Header.Get("Content-Type"))
	}
	if resp, body := get(t, web.URL+"/files/nothing.bin"); resp.StatusCode != 404 || !strings.Contains(string(body), `no file named "nothing.bin"`) {
		t.Errorf("missing file: %s %s", resp.Status, body)
	}
	resp, err := http.Post(web.URL+"/files", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("not multipart: %s, want 400", resp.Status)
	}
}
