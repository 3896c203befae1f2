package pool

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/wire"
)

func fakePool(b *testing.B, size int) *Pool {
	p := New("bench:1", Config{MaxPoolSize: size, Connect: func(ctx context.Context, addr string) (*Conn, error) {
		return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
	}})
	p.Ready()
	b.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// BenchmarkCheckoutCheckin: one goroutine, an idle connection always there.
func BenchmarkCheckoutCheckin(b *testing.B) {
	p := fakePool(b, 10)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := p.Checkout(ctx)
		if err != nil {
			b.Fatal(err)
		}
		p.CheckIn(c)
	}
}

// BenchmarkCheckoutContended: 64 goroutines share a pool of 8.
func BenchmarkCheckoutContended(b *testing.B) {
	p := fakePool(b, 8)
	b.ReportAllocs()
	b.SetParallelism(64 / max(1, testingProcs()))
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			c, err := p.Checkout(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			p.CheckIn(c)
		}
	})
}

// BenchmarkPingRoundTrip: check out, ping the mock server, check in.
func BenchmarkPingRoundTrip(b *testing.B) {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close(context.Background()) })
	p := New(srv.Addr(), Config{})
	p.Ready()
	b.Cleanup(func() { p.Close(context.Background()) })
	b.Run("background", func(b *testing.B) { benchPing(b, p, context.Background()) })
	b.Run("deadline", func(b *testing.B) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		benchPing(b, p, ctx)
	})
}

func benchPing(b *testing.B, p *Pool, ctx context.Context) {
	buf := wire.GetBuffer()
	defer wire.PutBuffer(buf)
	msg := appendCommandMsg((*buf)[:0], "ping", "admin")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := p.Checkout(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.RoundTrip(ctx, msg); err != nil {
			b.Fatal(err)
		}
		p.CheckIn(c)
	}
}

// BenchmarkConnectSCRAMSHA256 establishes authenticated connections to
// FerretDB: "first" logs in a user never seen (the client's PBKDF2 runs),
// "cached" the URI's user again and again (keys from auth's cache). Note:
// FerretDB v1.24 itself answers users made by createUser far more slowly
// (hundreds of ms) than its --setup-username user, so "first" measures
// mostly the server; run it with -benchtime=20x.
func BenchmarkConnectSCRAMSHA256(b *testing.B) {
	addr, admin := serverFromURI(b, testenv.AuthURI(b))
	ctx := context.Background()
	adminConn, err := Dial(ctx, addr, &ConnConfig{Credential: admin})
	if err != nil {
		b.Fatal(err)
	}
	defer adminConn.closeAndRelease()
	var users []string
	defer func() {
		for _, u := range users {
			adminConn.RoundTrip(ctx, appendMsg(nil, "admin", func(d []byte) []byte { return bson.AppendStringElement(d, "dropUser", u) }))
		}
	}()
	newUser := func(b *testing.B) auth.Credential {
		u := fmt.Sprintf("bench%d_%d", time.Now().UnixNano(), len(users))
		_, err := adminConn.RoundTrip(ctx, appendMsg(nil, "admin", func(d []byte) []byte {
			d = bson.AppendStringElement(d, "createUser", u)
			d = bson.AppendStringElement(d, "pwd", "bench-password")
			arr, d := bson.AppendArrayElementStart(d, "roles")
			d, _ = bson.AppendDocumentEnd(d, arr)
			arr, d = bson.AppendArrayElementStart(d, "mechanisms")
			d = bson.AppendStringElement(d, "0", auth.MechanismSCRAMSHA256)
			d, _ = bson.AppendDocumentEnd(d, arr)
			return d
		}))
		if err != nil {
			b.Fatal(err)
		}
		users = append(users, u)
		return auth.Credential{Mechanism: auth.MechanismSCRAMSHA256, Username: u, Password: "bench-password", PasswordSet: true, Source: "admin"}
	}
	connect := func(b *testing.B, cred auth.Credential) {
		c, err := Dial(ctx, addr, &ConnConfig{Credential: &cred})
		if err != nil {
			b.Fatal(err)
		}
		c.closeAndRelease()
	}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			cred := newUser(b)
			b.StartTimer()
			connect(b, cred)
		}
	})
	b.Run("cached", func(b *testing.B) {
		cred := *admin
		cred.Mechanism = auth.MechanismSCRAMSHA256
		connect(b, cred)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			connect(b, cred)
		}
	})
}

func testingProcs() int { return runtime.GOMAXPROCS(0) }
