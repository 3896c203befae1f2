package bench

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	obson "go.mongodb.org/mongo-driver/v2/bson"

	"github.com/torque-go/torque/bson"
)

// Data holds the benchmark data sets of the driver benchmarking
// specification, read from its tarballs at run time. Every document is kept
// as canonical BSON bytes, converted once from the spec's Extended JSON by
// torque; each task decodes them into its driver's own types in setup.
type Data struct {
	Flat, Deep, Full bson.Raw // extended_bson/{flat,deep,full}_bson.json
	Tweet            bson.Raw // single_and_multi_document/tweet.json
	Small            bson.Raw // small_doc.json (about 250 bytes)
	Large            bson.Raw // large_doc.json (about 2.7 MB)

	// SourceSize is the size of each JSON file, the spec's unit for MB/s.
	SourceSize map[string]int
}

// The files the tasks need; gridfs_large.bin and the parallel LDJSON sets
// are left in their tarballs.
var wantedFiles = map[string][]string{
	"extended_bson.tgz": {
		"extended_bson/flat_bson.json", "extended_bson/deep_bson.json", "extended_bson/full_bson.json",
	},
	"single_and_multi_document.tgz": {
		"single_and_multi_document/tweet.json", "single_and_multi_document/small_doc.json",
		"single_and_multi_document/large_doc.json",
	},
}

// SpecDir finds the specifications' test data: $MONGO_SPEC_DIR (a relative
// value is tried from the working directory and then from each of its
// ancestors, since it is usually given relative to the repository root),
// else shared/specs beside the first ancestor that has one
// ("../shared/specs" from the repository root, "../../shared/specs" from
// bench/).
func SpecDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	rel := filepath.Join("..", "shared", "specs")
	env := os.Getenv("MONGO_SPEC_DIR")
	if env != "" {
		if filepath.IsAbs(env) {
			return env, nil
		}
		rel = env
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, rel)
		if st, err := os.Stat(filepath.Join(cand, "benchmarking", "data")); err == nil && st.IsDir() {
			return filepath.Clean(cand), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("bench: no %s/benchmarking/data from %s or above; set MONGO_SPEC_DIR", rel, wd)
		}
	}
}

// LoadData reads the data sets out of specDir/benchmarking/data/*.tgz. The
// files are streamed out of the tarballs into memory: nothing is written to
// disk, so there is nothing to clean up.
func LoadData(specDir string) (*Data, error) {
	files := map[string][]byte{}
	for tgz, names := range wantedFiles {
		if err := readTarball(filepath.Join(specDir, "benchmarking", "data", tgz), names, files); err != nil {
			return nil, err
		}
	}
	d := &Data{SourceSize: map[string]int{}}
	targets := map[string]*bson.Raw{
		"flat_bson.json": &d.Flat, "deep_bson.json": &d.Deep, "full_bson.json": &d.Full,
		"tweet.json": &d.Tweet, "small_doc.json": &d.Small, "large_doc.json": &d.Large,
	}
	for name, dst := range targets {
		src, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("bench: %s missing from the benchmark tarballs", name)
		}
		raw, err := bson.ExtJSONToRaw(src)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		if err := sameAsOfficial(src, raw); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", name, err)
		}
		*dst = raw
		d.SourceSize[name] = len(src)
	}
	return d, nil
}

// sameAsOfficial checks that the official driver reads the JSON into the
// same BSON bytes, so both drivers work on identical documents.
func sameAsOfficial(src []byte, raw bson.Raw) error {
	var doc obson.D
	if err := obson.UnmarshalExtJSON(src, false, &doc); err != nil {
		return fmt.Errorf("official driver: %w", err)
	}
	theirs, err := obson.Marshal(doc)
	if err != nil {
		return fmt.Errorf("official driver: %w", err)
	}
	if string(theirs) != string(raw) {
		return fmt.Errorf("torque and the official driver read the JSON into different BSON (%d vs %d bytes)", len(raw), len(theirs))
	}
	return nil
}

// readTarball copies the named members of a .tgz into files, keyed by base name.
func readTarball(name string, members []string, files map[string][]byte) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("bench: %w (set MONGO_SPEC_DIR to the specifications' test data)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	want := map[string]bool{}
	for _, m := range members {
		want[m] = true
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("bench: %s: %w", name, err)
		}
		if !want[h.Name] {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return fmt.Errorf("bench: %s: %s: %w", name, h.Name, err)
		}
		files[path.Base(h.Name)] = b
	}
}
