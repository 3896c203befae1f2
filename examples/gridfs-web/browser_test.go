package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/internal/browsertest"
)

// rangeLog records the Range requests the server answers, and how.
type rangeLog struct {
	mu   sync.Mutex
	seen []string // "bytes=...: 206"
}

func (l *rangeLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		if rg := r.Header.Get("Range"); rg != "" {
			// Logged when the status is written, not when the handler
			// returns: the browser seeks as soon as the first bytes
			// arrive, while the handler may still be sending the rest.
			rec.onStatus = func(code int) {
				l.mu.Lock()
				l.seen = append(l.seen, fmt.Sprintf("%s %s: %d", r.URL.Path, rg, code))
				l.mu.Unlock()
			}
		}
		h.ServeHTTP(rec, r)
	})
}

func (l *rangeLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

type statusRecorder struct {
	http.ResponseWriter
	status   int
	onStatus func(code int) // nil: nothing to log
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 && s.onStatus != nil {
		s.onStatus(code)
	}
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// wav returns a mono 8 kHz 8-bit PCM WAV of the given seconds (a tone),
// a media file the browser can seek in.
func wav(seconds int) []byte {
	n := 8000 * seconds
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(8000), uint32(8000), uint16(1), uint16(8)} {
		binary.Write(&b, binary.LittleEndian, v) // format PCM, 1 channel, 8000 Hz, 8000 B/s, 1 B/frame, 8 bits
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for i := range n {
		b.WriteByte(byte(128 + 60*((i/8)%2*2-1)))
	}
	return b.Bytes()
}

// TestUploadInBrowser: a person chooses two files in the form and
// uploads them; the page lists them; the file fetched by the page is
// byte-identical (SHA-256 computed in the browser); a Range request is
// answered 206 with the bytes asked for; and an <audio> element seeking
// near the end of the WAV gets its bytes with a Range request (206).
func TestUploadInBrowser(t *testing.T) {
	var ranges rangeLog
	web := setup(t, ranges.wrap)
	b := browsertest.New(t)

	dir := t.TempDir()
	data := make([]byte, 200*1024+3)
	rand.Read(data)
	// Long enough (9.6 MB) that the browser cannot have buffered the seek
	// target before it seeks, even on a slow machine: the seek must ask.
	audio := wav(1200)
	for name, content := range map[string][]byte{"data.bin": data, "tone.wav": audio} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	p := b.NewPage()
	p.DisableCache() // the server answers every request, Range ones included
	p.Navigate(web.URL + "/")
	if text := p.Text(); !strings.Contains(text, "No files yet.") {
		t.Errorf("empty page shows %q", text)
	}
	p.SetInputFiles("#file", filepath.Join(dir, "data.bin"), filepath.Join(dir, "tone.wav"))
	p.Eval(`document.getElementById("upload").click()`, nil)
	p.WaitFor(`document.querySelectorAll("#files a").length === 2`)
	text := p.Text()
	if !strings.Contains(text, "data.bin 204803 bytes") || !strings.Contains(text, fmt.Sprintf("tone.wav %d bytes", len(audio))) {
		t.Errorf("page after the upload shows %q", text)
	}
	p.Screenshot("gridfs-web-uploaded")

	var digest string
	p.Eval(`fetch("/files/data.bin").then(r => r.arrayBuffer()).then(b => crypto.subtle.digest("SHA-256", b))
		.then(h => Array.from(new Uint8Array(h), x => x.toString(16).padStart(2, "0")).join(""))`, &digest)
	if sum := sha256.Sum256(data); digest != hex.EncodeToString(sum[:]) {
		t.Errorf("the browser downloaded a file with SHA-256 %s, want %x", digest, sum)
	}

	var part struct {
		Status int    `json:"status"`
		Range  string `json:"range"`
		Hex    string `json:"hex"`
	}
	p.Eval(`fetch("/files/data.bin", {headers: {Range: "bytes=100000-100099"}}).then(async r => ({
		status: r.status, range: r.headers.get("Content-Range"),
		hex: Array.from(new Uint8Array(await r.arrayBuffer()), x => x.toString(16).padStart(2, "0")).join("")}))`, &part)
	if part.Status != 206 || part.Range != "bytes 100000-100099/204803" || part.Hex != hex.EncodeToString(data[100000:100100]) {
		t.Errorf("Range from the browser: %d %q %.20s..., want 206 and the 100 bytes", part.Status, part.Range, part.Hex)
	}

	// Seeking: the media element asks for the bytes it needs with Range.
	p.Eval(`new Promise((resolve, reject) => {
		const a = document.createElement("audio");
		a.preload = "metadata";
		a.onloadedmetadata = () => { a.currentTime = 1150; };
		a.onseeked = () => resolve(a.currentTime);
		a.onerror = () => reject(new Error("audio error " + (a.error && a.error.message)));
		a.src = "/files/tone.wav";
		document.body.append(a);
	})`, nil)
	var seekRange, fetchRange bool
	for _, r := range ranges.list() {
		fetchRange = fetchRange || r == "/files/data.bin bytes=100000-100099: 206"
		// A range that does not start at 0: the seek.
		seekRange = seekRange || strings.HasPrefix(r, "/files/tone.wav bytes=") && !strings.HasPrefix(r, "/files/tone.wav bytes=0-") &&
			strings.HasSuffix(r, ": 206")
	}
	if !fetchRange || !seekRange {
		t.Errorf("the server did not answer 206 to the page's Range request and the audio element's seek: %q", ranges.list())
	}
	t.Logf("Range requests: %q", ranges.list())
}
