package unified

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

// The client-side operations timeout (CSOT) features of the format:
// timeoutMS and timeoutMode arguments of any operation (client.WithTimeout
// and client.WithTimeoutMode on its context), timeoutMS of database and
// collection entities (CollectionOptions.Timeout) and defaultTimeoutMS of
// sessions, awaitMinPoolSizeMS of clients, isTimeoutError, and the
// testRunner's wait.

// withTimeoutArgs returns ctx carrying the operation's timeoutMS and
// timeoutMode arguments, if any.
func withTimeoutArgs(ctx context.Context, a *args) (context.Context, error) {
	if a.has("timeoutMS") {
		ctx = client.WithTimeout(ctx, a.millis("timeoutMS"))
	}
	if a.has("timeoutMode") {
		switch m := a.str("timeoutMode"); m {
		case "cursorLifetime":
			ctx = client.WithTimeoutMode(ctx, client.CursorLifetime)
		case "iteration":
			ctx = client.WithTimeoutMode(ctx, client.Iteration)
		default:
			return ctx, fmt.Errorf("timeoutMode %q: want cursorLifetime or iteration", m)
		}
	}
	return ctx, nil
}

// entityTimeout reads the timeoutMS of databaseOptions or
// collectionOptions (or defaultTimeoutMS of sessionOptions).
func entityTimeout(a *args, key string) *time.Duration {
	if !a.has(key) {
		return nil
	}
	d := a.millis(key)
	return &d
}

// awaitMinPoolSize waits, up to awaitMinPoolSizeMS, until the client's
// pools hold minPoolSize ready connections (counted from its CMAP
// events), so that a test's timing does not include opening them.
func (c *clientEntity) awaitMinPoolSize(ctx context.Context, wait time.Duration, min int) error {
	deadline := time.Now().Add(wait)
	for {
		c.mu.Lock()
		ready := c.ready
		c.mu.Unlock()
		if ready >= min {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("awaitMinPoolSizeMS: %d of %d connections ready after %v", ready, min, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// minPoolSize reads uriOptions.minPoolSize (0 when absent).
func minPoolSize(uriOptions bson.Raw) int {
	n, _ := uriOptions.Lookup("minPoolSize").AsInt64()
	return int(n)
}

// wait runs the testRunner's wait: ms milliseconds.
func wait(ctx context.Context, a *args) error {
	ms := a.millis("ms")
	if err := a.done(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(ms):
		return nil
	}
}

// checkTimeoutError asserts isTimeoutError: client.IsTimeout, which is
// true for every time limit (timeoutMS, a context deadline, MaxTimeMSExpired...).
func checkTimeoutError(v bson.RawValue, err error) error {
	want, _ := v.Boolean()
	if client.IsTimeout(err) != want {
		return fmt.Errorf("isTimeoutError %v, got %T: %v", want, err, err)
	}
	return nil
}

// cursorTypeArgs reads find's cursorType (tailable, tailableAwait) and
// maxAwaitTimeMS.
func cursorTypeArgs(a *args, o *client.FindOptions) {
	switch t := a.str("cursorType"); t {
	case "":
	case "tailable":
		o.Tailable = true
	case "tailableAwait":
		o.Tailable, o.AwaitData = true, true
	case "nonTailable":
	default:
		a.errs = append(a.errs, fmt.Errorf("cursorType %q: want tailable, tailableAwait or nonTailable", t))
	}
	o.MaxAwaitTime = a.millis("maxAwaitTimeMS")
}

// bucketFind runs a bucket's find: the files documents, read to the end.
func bucketFind(ctx context.Context, b *gridfs.Bucket, a *args) outcome {
	filter := a.docOrNil("filter")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := b.Find(ctx, filter)
	return drain(ctx, cur, err)
}
