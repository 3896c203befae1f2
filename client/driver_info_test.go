package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// The handshake specification's client metadata update prose tests (1, 5,
// 6, 7), on the mock server: the handshake of the connection each ping
// used is read from the server's log. maxIdleTimeMS=1 and a 5 ms wait make
// every ping use a new connection.

// pingMetadata pings on a fresh connection and returns the client
// document of that connection's handshake.
func pingMetadata(t *testing.T, c *client.Client, srv *mockserver.Server) bson.Raw {
	t.Helper()
	time.Sleep(5 * time.Millisecond)
	if err := c.Ping(testContext(t)); err != nil {
		t.Fatal(err)
	}
	pings := srv.CommandsNamed("ping")
	if len(pings) == 0 {
		t.Fatal("no ping recorded")
	}
	conn := pings[len(pings)-1].ConnID
	var doc bson.Raw
	for _, r := range srv.Requests() {
		if d, ok := r.Lookup("client").Document(); ok && r.ConnID == conn {
			doc = d
		}
	}
	if doc == nil {
		t.Fatalf("no handshake recorded for the ping's connection %d", conn)
	}
	return doc
}

func driverField(t *testing.T, md bson.Raw, path ...string) string {
	t.Helper()
	s, _ := md.Lookup(path...).StringValue()
	return s
}

func libraryClient(t *testing.T, srv *mockserver.Server) *client.Client {
	t.Helper()
	opts, err := client.ParseURI(srv.URI() + "&maxIdleTimeMS=1")
	if err != nil {
		t.Fatal(err)
	}
	opts.DriverInfo = []client.DriverInfo{{Name: "library", Version: "1.2", Platform: "Library Platform"}}
	c, err := client.Connect(testContext(t), "", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(testContext(t)) })
	return c
}

// Prose test 1: an append is visible, appended (not replacing), in the
// hello of new connections; a missing platform adds none.
func TestAppendDriverInfoProse1(t *testing.T) {
	for _, tc := range []struct {
		info                       client.DriverInfo
		name, version, platformEnd string
	}{
		{client.DriverInfo{Name: "framework", Version: "2.0", Platform: "Framework Platform"},
			"torque|library|framework", "|1.2|2.0", "|Library Platform|Framework Platform"},
		{client.DriverInfo{Name: "framework", Version: "2.0"},
			"torque|library|framework", "|1.2|2.0", "|Library Platform"},
	} {
		srv := mockserver.New(t, mockserver.Options{})
		c := libraryClient(t, srv)
		initial := pingMetadata(t, c, srv)
		if err := c.AppendDriverInfo(tc.info); err != nil {
			t.Fatal(err)
		}
		updated := pingMetadata(t, c, srv)
		if got := driverField(t, updated, "driver", "name"); got != tc.name {
			t.Errorf("driver.name %q, want %q", got, tc.name)
		}
		if got := driverField(t, updated, "driver", "version"); !strings.HasSuffix(got, tc.version) {
			t.Errorf("driver.version %q, want it to end %q", got, tc.version)
		}
		if got := driverField(t, updated, "platform"); !strings.HasSuffix(got, tc.platformEnd) {
			t.Errorf("platform %q, want it to end %q", got, tc.platformEnd)
		}
		// The rest of the document is unchanged.
		for _, f := range [][]string{{"os", "type"}, {"os", "name"}, {"os", "architecture"}} {
			if a, b := driverField(t, initial, f...), driverField(t, updated, f...); a != b {
				t.Errorf("%v changed from %q to %q", f, a, b)
			}
		}
	}
}

// Prose tests 5 and 6: an info identical to the initial one, even after
// another append, changes nothing.
func TestAppendDriverInfoIdenticalProse5And6(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := libraryClient(t, srv)
	before := pingMetadata(t, c, srv)
	if err := c.AppendDriverInfo(client.DriverInfo{Name: "library", Version: "1.2", Platform: "Library Platform"}); err != nil {
		t.Fatal(err)
	}
	if after := pingMetadata(t, c, srv); !bytesEqual(before, after) {
		t.Errorf("test 5: metadata changed:\n%v\n%v", before, after)
	}
	if err := c.AppendDriverInfo(client.DriverInfo{Name: "framework", Version: "1.2", Platform: "Library Platform"}); err != nil {
		t.Fatal(err)
	}
	framework := pingMetadata(t, c, srv)
	if err := c.AppendDriverInfo(client.DriverInfo{Name: "library", Version: "1.2", Platform: "Library Platform"}); err != nil {
		t.Fatal(err)
	}
	if after := pingMetadata(t, c, srv); !bytesEqual(framework, after) {
		t.Errorf("test 6: metadata changed:\n%v\n%v", framework, after)
	}
	if got := driverField(t, framework, "driver", "name"); got != "torque|library|framework" {
		t.Errorf("driver.name %q", got)
	}
}

// Prose test 7 (cases 2-4): empty fields are unset, so an info that
// differs from an earlier one only by them is a different info.
func TestAppendDriverInfoEmptyFieldsProse7(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := libraryClient(t, srv)
	for _, info := range []client.DriverInfo{
		{Name: "library", Platform: "Library Platform"},
		{Name: "library", Version: "1.2"},
	} {
		before := pingMetadata(t, c, srv)
		if err := c.AppendDriverInfo(info); err != nil {
			t.Fatal(err)
		}
		if after := pingMetadata(t, c, srv); bytesEqual(before, after) {
			t.Errorf("appending %+v changed nothing", info)
		}
	}
}

// A separator in a field, or an info too long for the 512-byte metadata,
// is refused and changes nothing.
func TestAppendDriverInfoRefused(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := libraryClient(t, srv)
	before := pingMetadata(t, c, srv)
	if err := c.AppendDriverInfo(client.DriverInfo{Name: "a|b"}); err == nil || !strings.Contains(err.Error(), "'|'") {
		t.Errorf("a '|' in the name: %v", err)
	}
	if err := c.AppendDriverInfo(client.DriverInfo{Name: strings.Repeat("n", 600)}); err == nil || !strings.Contains(err.Error(), "512") {
		t.Errorf("a 600-byte name: %v", err)
	}
	if after := pingMetadata(t, c, srv); !bytesEqual(before, after) {
		t.Errorf("a refused append changed the metadata:\n%v\n%v", before, after)
	}
}

func bytesEqual(a, b bson.Raw) bool { return string(a) == string(b) }
