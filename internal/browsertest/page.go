package browsertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Timeout bounds each page action and each WaitFor: generous, since the
// machines that run the tests are shared.
var Timeout = 30 * time.Second

// Page is one browser tab.
type Page struct {
	t    testing.TB
	b    *Browser
	conn *cdp
}

// NewPage opens a tab; the test's cleanup closes it.
func (b *Browser) NewPage() *Page {
	t := b.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.conn.Call(ctx, "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatal(err)
	}
	ws, err := dialWS(ctx, "ws://"+b.host+"/devtools/page/"+target.TargetID)
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	p := &Page{t: t, b: b, conn: newCDP(ws)}
	t.Cleanup(p.conn.close)
	for _, m := range []string{"Page.enable", "Runtime.enable"} {
		if err := p.conn.Call(ctx, m, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *Page) call(method string, params, result any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := p.conn.Call(ctx, method, params, result); err != nil {
		p.t.Fatal(err)
	}
}

// Navigate loads url and waits until the document has loaded.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	var res struct {
		ErrorText string `json:"errorText"`
	}
	p.call("Page.navigate", map[string]any{"url": url}, &res)
	if res.ErrorText != "" {
		p.t.Fatalf("browsertest: navigating to %s: %s", url, res.ErrorText)
	}
	p.WaitFor(`document.readyState === "complete" && location.href !== "about:blank"`)
}

// Eval evaluates a JavaScript expression in the page (awaiting it when it
// is a promise) and decodes its value into out (when not nil). An
// exception fails the test.
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	if err := p.eval(expr, out); err != nil {
		p.t.Fatal(err)
	}
}

func (p *Page) eval(expr string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := p.conn.Call(ctx, "Runtime.evaluate", params, &res); err != nil {
		return err
	}
	if e := res.Exception; e != nil {
		return fmt.Errorf("browsertest: %s: %s %s", expr, e.Text, e.Exception.Description)
	}
	if out != nil && len(res.Result.Value) > 0 {
		return json.Unmarshal(res.Result.Value, out)
	}
	return nil
}

// Text returns what a person reads on the page: the body's innerText,
// without the white space around it.
func (p *Page) Text() string {
	p.t.Helper()
	var s string
	p.Eval(`document.body ? document.body.innerText : ""`, &s)
	return strings.TrimSpace(s)
}

// WaitFor polls expr until it is true, and fails the test (with a
// screenshot and the page's text) if it is not within Timeout.
func (p *Page) WaitFor(expr string) {
	p.t.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		var ok bool
		err := p.eval("Boolean("+expr+")", &ok)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			shot := p.Screenshot("timeout-" + sanitize(p.t.Name()))
			var text string
			p.eval(`document.body ? document.body.innerText : ""`, &text)
			p.t.Fatalf("browsertest: still not true after %v: %s (last error %v)\npage text: %q\nscreenshot: %s\nbrowser stderr:\n%s",
				Timeout, expr, err, text, shot, p.b.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Screenshot writes a PNG of the page to the screenshot directory and
// returns its path (logged).
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	var res struct {
		Data string `json:"data"`
	}
	if err := p.conn.Call(context.Background(), "Page.captureScreenshot", map[string]any{"format": "png"}, &res); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	png, err := base64.StdEncoding.DecodeString(res.Data)
	path, perr := screenshotPath(sanitize(name))
	if err == nil {
		err = perr
	}
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	p.t.Logf("screenshot: %s", path)
	return path
}

// DisableCache makes the page fetch everything from the server, so that
// what a test checks is the server's answer, not the browser's cache.
func (p *Page) DisableCache() {
	p.t.Helper()
	p.call("Network.enable", nil, nil)
	p.call("Network.setCacheDisabled", map[string]any{"cacheDisabled": true}, nil)
}

// SetInputFiles chooses files for the <input type=file> that selector
// finds, as a person would in the file dialog.
func (p *Page) SetInputFiles(selector string, files ...string) {
	p.t.Helper()
	var doc struct {
		Root struct {
			NodeID int64 `json:"nodeId"`
		} `json:"root"`
	}
	p.call("DOM.getDocument", nil, &doc)
	var node struct {
		NodeID int64 `json:"nodeId"`
	}
	p.call("DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}, &node)
	if node.NodeID == 0 {
		p.t.Fatalf("browsertest: no element %s", selector)
	}
	p.call("DOM.setFileInputFiles", map[string]any{"nodeId": node.NodeID, "files": files}, nil)
}

func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, name)
}
