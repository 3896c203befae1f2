package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/torque-go/torque/bson"
)

// benchData is the benchmarking specification's single- and
// multi-document data, read from its tarball at run time (never copied
// into the repository).
type benchData struct {
	tweet, small, large bson.Raw
	// The sizes of the source JSON files: the specification's unit for
	// MB/s.
	tweetSize, smallSize, largeSize int64
	gridfs                          []byte // gridfs_large.bin, 50 MiB
}

// specDataDir is --data, else $MONGO_SPEC_DIR/benchmarking/data, else
// ../shared/specs/benchmarking/data.
func specDataDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	dir := os.Getenv("MONGO_SPEC_DIR")
	if dir == "" {
		dir = filepath.Join("..", "shared", "specs")
	}
	return filepath.Join(dir, "benchmarking", "data")
}

func loadBenchData(dir string, withGridFS bool) (*benchData, error) {
	name := filepath.Join(dir, "single_and_multi_document.tgz")
	files, err := readTarball(name, withGridFS)
	if err != nil {
		return nil, fmt.Errorf("%w (set --data or $MONGO_SPEC_DIR to the specifications' test data)", err)
	}
	d := &benchData{gridfs: files["gridfs_large.bin"]}
	for _, f := range []struct {
		name string
		doc  *bson.Raw
		size *int64
	}{{"tweet.json", &d.tweet, &d.tweetSize}, {"small_doc.json", &d.small, &d.smallSize}, {"large_doc.json", &d.large, &d.largeSize}} {
		src, ok := files[f.name]
		if !ok {
			return nil, fmt.Errorf("%s: no %s in it", name, f.name)
		}
		if *f.doc, err = bson.ExtJSONToRaw(src); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, f.name, err)
		}
		*f.size = int64(len(src))
	}
	if withGridFS && d.gridfs == nil {
		return nil, fmt.Errorf("%s: no gridfs_large.bin in it", name)
	}
	return d, nil
}

// readTarball returns the files of a .tgz by base name (the 50 MiB GridFS
// file only when asked for).
func readTarball(name string, withGridFS bool) (map[string][]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		base := path.Base(h.Name)
		if h.Typeflag != tar.TypeReg || (base == "gridfs_large.bin" && !withGridFS) {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, h.Name, err)
		}
		files[base] = b
	}
}
