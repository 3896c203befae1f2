package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

var cmdGridFS = newCommand("gridfs", "[flags] put|get|ls|rm db [name|file]",
	"store, fetch, list and delete GridFS files",
	`GridFS stores files of any size in a database's bucket (--bucket,
default fs):

	torque gridfs put db FILE     store FILE (under --name, default its base name)
	torque gridfs get db NAME     write the latest revision of NAME to --out (default stdout)
	torque gridfs ls db [FILTER]  list the files (FILTER on the files documents)
	torque gridfs rm db NAME      delete every revision of NAME

--id ID (Extended JSON, e.g. '{"$oid": "..."}') names a file by its _id
instead, for get and rm; put stores the file under that _id.`)

var gridfsFlags struct {
	bucket, name, out, id string
}

func init() {
	fs := cmdGridFS.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	f := &gridfsFlags
	fs.StringVar(&f.bucket, "bucket", "fs", "the bucket's name (collections BUCKET.files and BUCKET.chunks)")
	fs.StringVar(&f.name, "name", "", "put: the name to store the file under")
	fs.StringVar(&f.out, "out", "", "get: the file to write (default stdout)")
	fs.StringVar(&f.id, "id", "", "the file's _id, as Extended JSON (get, rm: instead of a name)")
	cmdGridFS.Run = runGridFS
}

func runGridFS(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return usagef("want put, get, ls or rm, and a database")
	}
	verb, dbName, arg := args[0], args[1], at(args, 2)
	need := map[string]bool{"put": true, "get": gridfsFlags.id == "", "rm": gridfsFlags.id == ""}
	switch {
	case verb != "put" && verb != "get" && verb != "ls" && verb != "rm":
		return usagef("unknown gridfs command %q: want put, get, ls or rm", verb)
	case need[verb] && arg == "" || len(args) > 3:
		return usagef("gridfs %s: want a database and one name or file", verb)
	}
	var id any
	if gridfsFlags.id != "" {
		v, err := parseDoc("--id", `{"id":`+gridfsFlags.id+`}`)
		if err != nil {
			return err
		}
		id = v.Lookup("id")
	}
	return withClient(ctx, func(c *client.Client) error {
		b, err := gridfs.NewBucket(c.Database(dbName), gridfs.BucketOptions{Name: gridfsFlags.bucket})
		if err != nil {
			return err
		}
		switch verb {
		case "put":
			return gridfsPut(ctx, b, arg, id)
		case "get":
			return gridfsGet(ctx, b, arg, id)
		case "ls":
			return gridfsList(ctx, b, arg)
		}
		if id != nil {
			return b.Delete(ctx, id)
		}
		return b.DeleteByName(ctx, arg)
	})
}

func gridfsPut(ctx context.Context, b *gridfs.Bucket, file string, id any) error {
	f, _, err := openInput(file)
	if err != nil {
		return err
	}
	defer f.Close()
	name := gridfsFlags.name
	if name == "" {
		name = filepath.Base(file)
	}
	var total int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		total = st.Size()
	}
	counted := &countingReader{r: f}
	bar := startProgress("stored", total, true, func() int64 { return 0 }, counted.n.Load)
	if id == nil {
		id, err = b.UploadFromStream(ctx, name, counted)
	} else {
		err = b.UploadFromStreamWithID(ctx, id, name, counted)
	}
	bar.stop()
	if err != nil {
		return err
	}
	p := stdout()
	err = p.result(fmt.Sprintf("stored %s (%s) as %v", name, humanBytes(counted.n.Load()), id),
		bson.D{bson.KV("_id", id), bson.KV("filename", name), bson.KV("length", counted.n.Load())})
	if err != nil {
		return err
	}
	return p.flush()
}

func gridfsGet(ctx context.Context, b *gridfs.Bucket, name string, id any) error {
	var ds *gridfs.DownloadStream
	var err error
	if id != nil {
		ds, err = b.OpenDownloadStream(ctx, id)
	} else {
		ds, err = b.OpenDownloadStreamByName(ctx, name, -1)
	}
	if err != nil {
		return err
	}
	defer ds.Close()
	out, err := createOutput(gridfsFlags.out)
	if err != nil {
		return err
	}
	var n atomic.Int64
	bar := startProgress("fetched", ds.File().Length, true, func() int64 { return 0 }, n.Load)
	_, err = io.Copy(&countingWriter{w: out, n: &n}, ds)
	bar.stop()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func gridfsList(ctx context.Context, b *gridfs.Bucket, filter string) error {
	f, err := parseDocOr("filter", filter)
	if err != nil {
		return err
	}
	cur, err := b.Find(ctx, f, client.FindOptions{Sort: bson.D{bson.KV("filename", 1), bson.KV("uploadDate", 1)}})
	if err != nil {
		return err
	}
	if outf.json {
		return printCursor(ctx, cur)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	p := stdout()
	for cur.Next(ctx) {
		var file gridfs.File
		if err := cur.Decode(&file); err != nil {
			return err
		}
		fmt.Fprintf(p.w, "%-30s %10d  %s  %v\n", file.Name, file.Length,
			file.UploadDate.UTC().Format("2006-01-02 15:04:05"), file.ID)
	}
	if err := p.flush(); err != nil {
		return err
	}
	return cur.Err()
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}
