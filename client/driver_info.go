package client

import "errors"

// AppendDriverInfo adds a wrapping library's name, version and platform
// to the client metadata that connections established from now on send
// in their handshake (monitoring connections too), after Options.DriverInfo
// and earlier appends, as the official driver's AppendDriverInfo and the
// handshake specification's metadata updates do. Connections already open
// keep what they sent. An info identical to one given before (empty fields
// count as unset) is not added again. A field holding '|', the metadata's
// separator, is an error, and so is an info that would push the metadata
// past 512 bytes once the platform is cut: the handshakes would fail.
func (c *Client) AppendDriverInfo(info DriverInfo) error {
	if err := c.checkConnected(); err != nil {
		return err
	}
	if c.opts.moreDriverInfo == nil {
		return errors.New("client: AppendDriverInfo on a client that Connect did not make")
	}
	cfg := c.opts.poolConfig().Conn
	_, err := c.opts.moreDriverInfo.Append(&cfg, info)
	return err
}
