package connstring

// afterOptions checks what only the text can tell: "tls" and "ssl" given
// with different values.
func (p *parser) afterOptions() error {
	if len(p.tls) > 1 {
		return errorf("option tls", -1, `"tls" and "ssl" are given with different values`)
	}
	return nil
}

// Validate checks the rules between fields that the URI options, initial DNS
// seedlist, load balancer, SOCKS5 and auth specifications make errors. Parse
// calls it; call it yourself on a ConnString built as a struct literal.
func (c *ConnString) Validate() error {
	for _, check := range []func() error{c.validateHosts, c.validateTLS, c.validateTopology, c.validateSRV, c.validateProxy} {
		if err := check(); err != nil {
			return err
		}
	}
	_, err := c.Credential()
	return err
}

func (c *ConnString) validateHosts() error {
	if len(c.Hosts) == 0 {
		return errorf("host", -1, "no host given")
	}
	if !c.IsSRV() {
		return nil
	}
	if len(c.Hosts) > 1 {
		return errorf("host", -1, "mongodb+srv takes exactly one host name")
	}
	if c.Hosts[0].Port != 0 {
		return errorf("host", -1, "mongodb+srv takes no port: the SRV records give the ports")
	}
	if c.Hosts[0].Kind != HostName {
		return errorf("host", -1, "mongodb+srv needs a host name, not a %s", c.Hosts[0].Kind)
	}
	return nil
}

// validateTLS rejects the combinations the URI options spec makes errors:
// tlsInsecure with any option it implies, and OCSP or revocation settings
// next to tlsAllowInvalidCertificates or each other.
func (c *ConnString) validateTLS() error {
	given := []struct {
		name string
		set  bool
	}{
		{"tlsInsecure", c.TLSInsecure != nil},
		{"tlsAllowInvalidCertificates", c.TLSAllowInvalidCertificates != nil},
		{"tlsAllowInvalidHostnames", c.TLSAllowInvalidHostnames != nil},
		{"tlsDisableOCSPEndpointCheck", c.TLSDisableOCSPEndpointCheck != nil},
		{"tlsDisableCertificateRevocationCheck", c.TLSDisableCertificateRevocationCheck != nil},
	}
	conflicts := [][2]int{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 3}, {1, 4}, {3, 4}}
	for _, pair := range conflicts {
		a, b := given[pair[0]], given[pair[1]]
		if a.set && b.set {
			return errorf("option "+a.name, -1, "may not be given together with %s", b.name)
		}
	}
	return nil
}

func (c *ConnString) validateTopology() error {
	multi := len(c.Hosts) > 1
	if isTrue(c.DirectConnection) {
		if multi {
			return errorf("option directConnection", -1, "directConnection=true needs exactly one host")
		}
		if c.IsSRV() {
			return errorf("option directConnection", -1, "directConnection=true cannot be used with mongodb+srv")
		}
	}
	if isTrue(c.LoadBalanced) {
		switch {
		case multi:
			return errorf("option loadBalanced", -1, "loadBalanced=true needs exactly one host")
		case isTrue(c.DirectConnection):
			return errorf("option loadBalanced", -1, "loadBalanced=true cannot be used with directConnection=true")
		case c.ReplicaSet != "":
			return errorf("option loadBalanced", -1, "loadBalanced=true cannot be used with replicaSet")
		}
	}
	return nil
}

func (c *ConnString) validateSRV() error {
	if !c.IsSRV() {
		if c.SRVMaxHosts != nil {
			return errorf("option srvMaxHosts", -1, "only valid with mongodb+srv")
		}
		if c.SRVServiceName != "" {
			return errorf("option srvServiceName", -1, "only valid with mongodb+srv")
		}
		return nil
	}
	return c.ValidateSRVMaxHosts()
}

// ValidateSRVMaxHosts rejects a positive srvMaxHosts next to replicaSet or
// loadBalanced=true. Package srv calls it again once TXT records may have
// added those options.
func (c *ConnString) ValidateSRVMaxHosts() error {
	if c.SRVMaxHosts == nil || *c.SRVMaxHosts <= 0 {
		return nil
	}
	if c.ReplicaSet != "" {
		return errorf("option srvMaxHosts", -1, "a positive srvMaxHosts cannot be used with replicaSet")
	}
	if isTrue(c.LoadBalanced) {
		return errorf("option srvMaxHosts", -1, "a positive srvMaxHosts cannot be used with loadBalanced=true")
	}
	return nil
}

func (c *ConnString) validateProxy() error {
	if c.ProxyHost == "" {
		for _, o := range []struct {
			name string
			set  bool
		}{{"proxyPort", c.ProxyPort != nil}, {"proxyUsername", c.ProxyUsername != ""}, {"proxyPassword", c.ProxyPassword != ""}} {
			if o.set {
				return errorf("option "+o.name, -1, "needs proxyHost")
			}
		}
		return nil
	}
	if (c.ProxyUsername == "") != (c.ProxyPassword == "") {
		return errorf("option proxyUsername", -1, "proxyUsername and proxyPassword must be given together")
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }
