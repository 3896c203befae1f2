package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/torque-go/torque/client"
	_ "github.com/torque-go/torque/clientcert" // --tlsCertificateKeyFile
)

// connFlags are the flags of every command that talks to a server.
type connFlags struct {
	uri           string
	username      string
	password      string
	authSource    string
	authMechanism string
	tls           bool
	tlsCAFile     string
	tlsCertKey    string
	tlsInsecure   bool
	timeout       time.Duration
}

var conn connFlags

func addConnFlags(fs *flag.FlagSet) {
	fs.StringVar(&conn.uri, "uri", "", "the connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	fs.StringVar(&conn.username, "username", "", "the user to authenticate as (also -u)")
	fs.StringVar(&conn.username, "u", "", "short for --username")
	fs.StringVar(&conn.password, "password", "", "the user's password (default $TORQUE_PASSWORD; also -p)")
	fs.StringVar(&conn.password, "p", "", "short for --password")
	fs.StringVar(&conn.authSource, "authenticationDatabase", "", "the database that holds the user (default admin)")
	fs.StringVar(&conn.authMechanism, "authenticationMechanism", "", "SCRAM-SHA-256, SCRAM-SHA-1, PLAIN or MONGODB-X509 (default: negotiated)")
	fs.BoolVar(&conn.tls, "tls", false, "connect with TLS")
	fs.StringVar(&conn.tlsCAFile, "tlsCAFile", "", "PEM file of the certificate authorities to trust (implies --tls)")
	fs.StringVar(&conn.tlsCertKey, "tlsCertificateKeyFile", "", "PEM file with the client's certificate and key (implies --tls)")
	fs.BoolVar(&conn.tlsInsecure, "tlsInsecure", false, "do not check the server's certificate or host name (implies --tls)")
	fs.DurationVar(&conn.timeout, "serverSelectionTimeout", 10*time.Second, "how long to wait for a suitable server")
}

// resolvedURI is --uri, else $MONGODB_URI, else the local default, with
// the TLS flags added as URI options.
func (f *connFlags) resolvedURI() (string, error) {
	uri := f.uri
	if uri == "" {
		uri = os.Getenv("MONGODB_URI")
	}
	if uri == "" {
		uri = "mongodb://localhost:27017"
	}
	q := url.Values{}
	if f.tls || f.tlsCAFile != "" || f.tlsCertKey != "" || f.tlsInsecure {
		q.Set("tls", "true")
	}
	if f.tlsCAFile != "" {
		q.Set("tlsCAFile", f.tlsCAFile)
	}
	if f.tlsCertKey != "" {
		q.Set("tlsCertificateKeyFile", f.tlsCertKey)
	}
	if f.tlsInsecure {
		q.Set("tlsInsecure", "true")
	}
	if len(q) == 0 {
		return uri, nil
	}
	return addQuery(uri, q.Encode()), nil
}

// addQuery appends options to a connection string, with the "/" that
// must come before "?" when the URI has no path.
func addQuery(uri, query string) string {
	if strings.Contains(uri, "?") {
		return uri + "&" + query
	}
	rest := uri
	if i := strings.Index(uri, "://"); i >= 0 {
		rest = uri[i+3:]
	}
	if !strings.Contains(rest, "/") {
		uri += "/"
	}
	return uri + "?" + query
}

// connect opens a client with the connection flags. Connect does no I/O,
// so a server that is down shows up at the first operation, after
// --serverSelectionTimeout.
func connect(ctx context.Context, extra ...client.Options) (*client.Client, error) {
	uri, err := conn.resolvedURI()
	if err != nil {
		return nil, err
	}
	var opts client.Options
	if len(extra) > 0 {
		opts = extra[0]
	}
	opts.AppName = "torque"
	opts.ServerSelectionTimeout = conn.timeout
	if conn.password == "" {
		conn.password = os.Getenv("TORQUE_PASSWORD")
	}
	if conn.username != "" || conn.authMechanism == "MONGODB-X509" {
		opts.Auth = &client.Credential{
			Mechanism: conn.authMechanism, Source: conn.authSource,
			Username: conn.username, Password: conn.password, PasswordSet: conn.password != "",
		}
	}
	c, err := client.Connect(ctx, uri, opts)
	if err != nil {
		return nil, fmt.Errorf("bad --uri: %w", err)
	}
	return c, nil
}

// disconnect closes c, giving it a few seconds even after an interrupt.
func disconnect(c *client.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.Disconnect(ctx)
}

// withClient connects, runs f and disconnects.
func withClient(ctx context.Context, f func(*client.Client) error) error {
	c, err := connect(ctx)
	if err != nil {
		return err
	}
	defer disconnect(c)
	return f(c)
}

// namespace splits "db.collection" (the collection may hold dots).
func namespace(arg string) (db, coll string, err error) {
	db, coll, ok := strings.Cut(arg, ".")
	if !ok || db == "" || coll == "" {
		return "", "", usagef("%q is not a namespace: want db.collection", arg)
	}
	return db, coll, nil
}

// collection opens the collection named by arg ("db.collection").
func collection(c *client.Client, arg string) (*client.Collection, error) {
	db, coll, err := namespace(arg)
	if err != nil {
		return nil, err
	}
	return c.Database(db).Collection(coll), nil
}
