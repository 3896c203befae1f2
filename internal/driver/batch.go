package driver

import (
	"context"
	"errors"
)

// runBatches sends op.Batch in as many commands as the server's limits
// require (maxWriteBatchSize, maxMessageSizeBytes), each with its own
// transaction number and its own retry. Write errors of the batches are
// gathered into one *WriteException with indexes counted from the first
// document; an ordered write stops after the first batch with one.
func (x *Executor) runBatches(ctx context.Context, ex *execution) error {
	b := ex.op.Batch
	if b.count() == 0 {
		return errors.New("driver: " + ex.op.Name + " with no documents")
	}
	var all *WriteException
	for ex.start < b.count() {
		ex.n = 0
		err := x.run(ctx, ex)
		var we *WriteException
		switch {
		case err == nil:
		case errors.As(err, &we):
			if all == nil {
				all = &WriteException{}
			}
			mergeWriteException(all, we)
			if b.Ordered && len(we.WriteErrors) > 0 {
				return all
			}
		default:
			if all != nil {
				return errors.Join(all, err)
			}
			return err
		}
		if ex.n == 0 {
			break // nothing was sent: unacknowledged, or an error above
		}
		ex.start += ex.n
		if b.Continue != nil && ex.start < b.count() && !b.Continue() {
			break
		}
	}
	if all != nil {
		return all
	}
	return nil
}
