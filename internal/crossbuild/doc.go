// Package crossbuild holds no code: its test builds torque's packages for
// the WebAssembly targets, so that a program there can embed the codec and
// the wire format.
//
// For GOOS=wasip1 GOARCH=wasm and GOOS=js GOARCH=wasm the test builds bson,
// wire, compress/snappy, compress/zstd and client. client compiles on
// both, but neither target has operating-system sockets in the standard
// library (its net package there dials only an in-process fake network),
// so a client connects there only through an Options.Dialer that the host
// program provides (a WebSocket bridge, a WASI socket extension). On every
// other GOOS the standard library dials TCP and client works as usual.
//
// # Files
//
//   - doc.go: this comment (crossbuild_test.go is the test).
package crossbuild
