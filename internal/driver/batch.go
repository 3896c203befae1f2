package driver

import (
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/topology"
)

// split fixes, for a Batch with Split, the batch about to be sent (its
// size, and whether it may be retried) on the server of its first attempt.
func (x *Executor) split(ex *execution, desc *topology.ServerDescription) error {
	b := ex.op.Batch
	if b == nil || b.Split == nil || ex.n > 0 {
		return nil
	}
	n, retryable, err := b.Split(ex.start, limitsOf(desc))
	if err == nil && (n <= 0 || n > b.count()-ex.start) {
		err = fmt.Errorf("driver: %s: the batch from document %d has %d documents", ex.op.Name, ex.start, n)
	}
	if err != nil {
		return err
	}
	ex.n, ex.noRetryBatch = n, !retryable
	return nil
}

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
