package unified

import (
	"context"
	"fmt"
)

// testRunnerOp runs an operation on the testRunner object.
func (r *run) testRunnerOp(ctx context.Context, name string, a *args) outcome {
	switch name {
	case "createEntities":
		list := a.array("entities")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: r.createEntities(ctx, list)}
	case "assertCollectionExists", "assertCollectionNotExists":
		return outcome{err: r.assertCollection(ctx, a, name == "assertCollectionExists")}
	case "assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands":
		return outcome{err: r.assertLsids(a, name == "assertSameLsidOnLastTwoCommands")}
	case "assertIndexExists", "assertIndexNotExists":
		return outcome{err: r.assertIndex(ctx, a, name == "assertIndexExists")}
	case "failPoint":
		return outcome{err: r.failPoint(ctx, a)}
	case "targetedFailPoint":
		return outcome{err: r.targetedFailPoint(ctx, a)}
	case "assertSessionPinned", "assertSessionUnpinned", "assertSessionDirty", "assertSessionNotDirty",
		"assertSessionTransactionState":
		return outcome{err: r.assertSession(name, a)}
	case "waitForEvent", "assertEventCount", "recordTopologyDescription", "assertTopologyType", "waitForPrimaryChange", "runOnThread", "waitForThread":
		return r.sdamOp(ctx, name, a)
	case "assertNumberConnectionsCheckedOut":
		return outcome{err: r.assertCheckedOut(a)}
	case "wait":
		return outcome{err: wait(ctx, a)}
	}
	return outcome{err: fmt.Errorf("%w: testRunner operation %q", errUnsupportedOp, name)}
}

// assertCheckedOut runs assertNumberConnectionsCheckedOut.
func (r *run) assertCheckedOut(a *args) error {
	name := a.str("client")
	want := a.int64("connections")
	if err := a.done(); err != nil {
		return err
	}
	c, ok := r.entities.clients[name]
	if !ok {
		return fmt.Errorf("no client entity %q", name)
	}
	c.mu.Lock()
	got := c.checkedOut
	c.mu.Unlock()
	if int64(got) != want {
		return fmt.Errorf("client %q has %d connections checked out, want %d", name, got, want)
	}
	return nil
}
