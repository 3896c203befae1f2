package gridfs

import (
	"context"
)

// The client-side operation timeout (timeoutMS) in GridFS: a bucket
// inherits its database's timeoutMS (BucketOptions.Timeout overrides it;
// client.WithTimeout on a call's context overrides both), and the GridFS
// spec's rule is that it bounds a whole method (Delete: the files
// document and the chunks; DownloadToStream: the files document and every
// chunk) and a stream's whole life, from its opening to its Close or
// Abort, not each command. Time spent reading the caller's io.Reader or
// writing its io.Writer counts too: a slow one can use the timeout up.

// bound returns ctx bounded by the bucket's timeoutMS (see
// client.Collection.TimeoutContext); call cancel when the method or
// stream ends.
func (b *Bucket) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return b.files.TimeoutContext(ctx)
}

// withCancel gives an opened download stream the cancel of its timeout,
// or calls it when the opening failed.
func withCancel(d *DownloadStream, err error) func(context.CancelFunc) (*DownloadStream, error) {
	return func(cancel context.CancelFunc) (*DownloadStream, error) {
		if err != nil {
			cancel()
			return nil, err
		}
		d.cancel = cancel
		return d, nil
	}
}
