package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/leakcheck"
)

// TestPage: the browser loads a page, runs its script, evaluates
// expressions and promises, and takes a screenshot.
func TestPage(t *testing.T) {
	leakcheck.Check(t) // the browser's reader goroutines end with it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>t</title><p id="p">Hello</p>
<script>document.getElementById("p").textContent += ", " + location.pathname;</script>`)
	}))
	defer srv.Close()
	p := New(t).NewPage()
	p.Navigate(srv.URL + "/there")
	if got := p.Text(); got != "Hello, /there" {
		t.Errorf("text %q", got)
	}
	var n int
	p.Eval(`new Promise(r => setTimeout(() => r(6 * 7), 10))`, &n)
	if n != 42 {
		t.Errorf("promise gave %d", n)
	}
	if err := p.eval(`nosuchname.x`, nil); err == nil || !strings.Contains(err.Error(), "nosuchname") {
		t.Errorf("an exception gave %v", err)
	}
	path := p.Screenshot("browsertest-page")
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("screenshot %s: %v", path, err)
	}
}
