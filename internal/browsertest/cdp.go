package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// cdp is a DevTools protocol session over one WebSocket: Call sends a
// method and waits for its result. Its reader goroutine is its own,
// started by newCDP and ended (and waited for) by close.
type cdp struct {
	ws *wsConn

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan cdpReply
	err     error // why the reader stopped

	wmu  sync.Mutex // one writer at a time
	done chan struct{}
}

type cdpReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

func newCDP(ws *wsConn) *cdp {
	c := &cdp{ws: ws, pending: map[int64]chan cdpReply{}, done: make(chan struct{})}
	go c.read()
	return c
}

func (c *cdp) read() {
	defer close(c.done)
	for {
		msg, err := c.ws.readMessage()
		if err != nil {
			c.mu.Lock()
			c.err = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		var m struct {
			ID int64 `json:"id"`
			cdpReply
		}
		if json.Unmarshal(msg, &m) != nil || m.ID == 0 {
			continue // an event: not used
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m.cdpReply
		}
	}
}

// Call runs method with params and decodes its result into result (when
// not nil).
func (c *cdp) Call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return fmt.Errorf("browsertest: %s: connection closed: %w", method, c.err)
	}
	c.nextID++
	id := c.nextID
	ch := make(chan cdpReply, 1)
	c.pending[id] = ch
	c.mu.Unlock()

	if params == nil {
		params = struct{}{}
	}
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	c.wmu.Lock()
	err = c.ws.writeFrame(opText, msg)
	c.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("browsertest: %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("browsertest: %s: connection closed", method)
		}
		if r.Error != nil {
			return fmt.Errorf("browsertest: %s: %s %s", method, r.Error.Message, r.Error.Data)
		}
		if result != nil {
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("browsertest: %s: %w", method, ctx.Err())
	}
}

// close ends the session and waits for the reader.
func (c *cdp) close() {
	c.wmu.Lock()
	c.ws.close()
	c.wmu.Unlock()
	<-c.done
}
