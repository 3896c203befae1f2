// Command tls is the second footprint baseline: what any driver that can
// speak TLS pays before its first line of its own (net, crypto/tls,
// crypto/x509 and the runtime).
package main

import (
	"crypto/tls"
	"fmt"
	"os"
)

func main() {
	addr := "localhost:27017"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	c, err := tls.Dial("tcp", addr, &tls.Config{MinVersion: tls.VersionTLS12})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println(c.ConnectionState().Version)
}
