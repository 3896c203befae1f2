// Package pool owns the driver's connections to servers: a Conn is one
// established connection (socket, TLS, handshake, compression,
// authentication) that sends a message and reads its reply; a Pool is the
// connection pool of one server, as the Connection Monitoring and Pooling
// (CMAP) specification describes it.
//
// It sits above wire, bson and auth and below topology: it knows nothing
// of servers' roles, only of the one address it talks to. The few hello
// fields it needs it reads itself; the whole reply is kept (copied) in
// Description.Hello for the topology's monitors.
//
// # Use
//
// The topology creates one Pool per server and readies it after a
// successful check; internal/driver checks connections out and in:
//
//	p := pool.New("db1:27017", pool.Config{Conn: pool.ConnConfig{Credential: &cred, Compressors: []string{"zstd"}}})
//	p.Ready()                                  // after a successful server check
//	c, err := p.Checkout(ctx)                  // *CheckoutError: closed, cleared, timeout, connect failure
//	reply, err := c.RoundTrip(ctx, msg)        // msg: a whole OP_MSG; *ConnError on failure
//	p.CheckIn(c)                               // always, also after an error: dead conns are closed
//	p.Clear(pool.ClearOptions{Cause: err})     // SDAM: after a network error (pauses the pool)
//	p.Close(ctx)                               // in-use connections close on check-in
//	p.Shutdown(ctx)                            // or now (Disconnect): operations in flight fail with ErrPoolClosed
//
// Monitors dial their own connections: Dial(ctx, addr, &cfg) gives a Conn
// whose Description holds the handshake reply, and WriteMessage/ReadReply
// drive a streaming (exhaust) hello.
//
// # Files
//
//   - config.go: Config (pool) and ConnConfig (dial, TLS, handshake, auth), defaults.
//   - conn.go: Conn, Description; WriteMessage, ReadMessage, ReadReply, RoundTrip,
//     Command; context deadlines and cancellation; compression on the wire.
//   - socket_timeout.go: Config.SocketTimeout (socketTimeoutMS) on each read
//     and write, and WithoutSocketTimeout, which lifts it; the handshake's
//     CommandTimeout uses the same deadlines.
//   - reader.go: the connection's buffered reader: one read system call for a
//     typical reply, bytes read ahead kept for the next message;
//     SwapReadBuffer, which hands a reply's buffer over without a copy.
//   - dial.go: Dial: TCP or Unix socket, TLS handshake.
//   - tls.go: TLSOptions (the tls* URI options) and the *tls.Config they make.
//   - handshake.go: the hello (legacy OP_QUERY isMaster or OP_MSG hello), its
//     reply, compressor choice, then authentication through package auth.
//   - metadata.go: the client metadata document and its 512-byte budget.
//   - driver_info.go: DriverInfoList, the DriverInfo a client appends after
//     its configuration was shared (read at each handshake).
//   - reauth.go: Conn.Reauthenticate (SASL again, no hello, after the
//     server's 391) and Conn.Authenticated; the auth.ConnState each
//     authenticated connection keeps (mechanism used, OIDC token, host).
//   - env.go: Env (client.env: FaaS platform, container) and DetectEnv.
//   - pool.go: Pool: states, Ready, Clear, Close, Shutdown, CheckIn, dispatching idle
//     connections and permissions to connect to waiters.
//   - checkout.go: Checkout: the fast path, waiting, establishing a connection.
//   - waitqueue.go: the FIFO of waiting checkouts.
//   - pinned.go: PinKind, what holds a connection behind a load balancer
//     (a cursor, a transaction), for the wait-queue timeout error.
//   - background.go: the background goroutine (pruning, minPoolSize).
//   - clock.go: the pool's time source (the wall clock; a virtual one in the
//     CMAP spec runner).
//   - events.go: Event, the CMAP event types and reasons.
//   - errors.go: ConnError, CheckoutError, CommandError and the checkout sentinels.
//   - redact.go: String, Format, MarshalJSON and LogValue of TLSOptions and
//     ConnConfig, which never show a password or a *tls.Config.
//
// Tests: cmap_spec_test.go runs every cmap-format file of the CMAP spec
// (unit files on fake connections, integration files against
// internal/mockserver, whose FailPoint plays failCommand) on a virtual
// clock (vclock_test.go) that advances only when every goroutine of the
// case is blocked, so that no case depends on the machine's speed;
// reader_test.go counts the system calls of a round trip; robust_test.go
// checks what is the caller's fault (ContextDone) and the bounds on what a
// lying server can make a connection allocate; conn_test.go,
// pool_test.go and tls_test.go use the mock server (compression, faults,
// load balancers, TLS through a local proxy); integration_test.go,
// auth_integration_test.go and tls_integration_test.go need FerretDB
// (internal/testenv); fuzz_test.go feeds replies to the readers;
// bench_test.go measures checkout, round trips and authenticated dials.
//
// # Connections
//
// Each operation's deadline is its context's: the socket deadline is set
// from ctx (only when it changes), and a cancellation expires the socket
// through context.AfterFunc: no goroutine per call. A pool's SocketTimeout
// (socketTimeoutMS) also bounds each write and each reply's read, unless
// the context comes from WithoutSocketTimeout (an operation with a
// timeoutMS); its expiry is a network timeout, not the caller's.
// ConnConfig.CommandTimeout bounds each handshake command the same way:
// the pool sets it to the socket timeout, or for MinPoolSize connections
// to the client's timeoutMS (Config.BackgroundTimeout). Whether any byte of a
// request was written is recorded in ConnError.Sent. A connection that saw
// a network error, a malformed message, or a cancellation while a message
// was in flight is dead: it fails every later call at once and its pool
// closes it on check-in, as it closes one with a reply still unread (an
// exhaust stream aside, while it is being read). A request cancelled before
// any byte went out leaves the connection usable.
//
// A failure caused by the caller's own context (cancelled, or past its
// deadline) is marked ConnError.ContextDone, in a round trip as in a
// handshake the checkout's context cut off: it is not a network error and
// says nothing about the server, so SDAM ignores it (a connectTimeoutMS
// expiry, by contrast, is the server's slowness: a network timeout).
//
// A hello's maxMessageSizeBytes and maxBsonObjectSize are believed up to
// MongoDB's own limits (48,000,000 and 16 MiB). A read buffer grows with
// the bytes that actually arrive, and an OP_COMPRESSED's claimed size is
// checked against what its compressed bytes can expand to
// (wire.Decompress) before anything is allocated for it.
//
// Compression (snappy, zlib, zstd) is used when the handshake negotiated
// it: the first of ConnConfig.Compressors, registered with wire (zlib
// always; snappy and zstd once compress/snappy or compress/zstd is
// imported), that the server also lists.
// Requests are compressed unless wire.CanCompress excludes their command
// (hello, the SASL commands, ...); replies are decompressed whatever
// compressor they name.
//
// The first message is a legacy isMaster over OP_QUERY, as the handshake
// specification requires, unless the Stable API is declared, the pool is
// load balanced, or the server is known to speak OP_MSG hello: a pool
// remembers the helloOk of its first handshake and sends OP_MSG hello from
// then on.
//
// # The pool
//
// Connections are handed out in FIFO order: a checkout that finds others
// waiting queues behind them; an idle connection or a permission to open
// one (within MaxPoolSize and MaxConnecting) goes to the waiter at the
// front. A connection the background goroutine is establishing for
// MinPoolSize is promised to the first waiter, which waits for it instead
// of opening another. Connection ids start at 1 and follow creation.
// Clear bumps the generation (of one service, behind a load balancer):
// stale connections are closed when met; Clear also pauses the pool and
// fails every waiter at once, and with InterruptInUse closes the checked-out
// connections of the old generation and cancels establishments in flight.
//
// Every checkout failure is a *CheckoutError whose message says what to
// do: "pool for 127.0.0.1:27017 closed", "connection pool for ... was
// cleared because an operation failed: <cause>", "timed out after 500ms
// waiting for a connection to ... behind 12 other requests (maxPoolSize 10,
// 10 in use, 0 being established)". Timeouts wrap the context's error
// (errors.Is(err, context.DeadlineExceeded)); a waitQueueTimeoutMS timeout
// wraps context.DeadlineExceeded too.
//
// Events (Config.Monitor) are delivered synchronously on the goroutine
// that caused them, never under the pool's lock: see Event.
//
// # Concurrency
//
// A Pool is safe for concurrent use. Its one background goroutine, and the
// goroutines it starts to establish MinPoolSize connections, belong to the
// pool; Close cancels them and waits for them (bounded by its context). A
// Conn is used by one goroutine at a time; only Close and the pool's
// interruption may run concurrently with its operations.
//
// # Buffers
//
// A Conn takes its read, write and (de)compression buffers from the wire
// package's pool when first needed and gives them back on check-in and
// close, so idle connections hold no buffers. A request goes out in one
// write. A read takes as many bytes as the socket has ready, up to the
// read buffer's size, so a reply usually costs one read system call; bytes
// beyond the message (the next reply of an exhaust stream) stay buffered
// for the next read, and a connection checked in with bytes still
// buffered is closed, never reused. A reply (RoundTrip,
// ReadReply, ReadMessage, Command) aliases the connection's read buffer: it
// is valid until the next operation on the connection or its check-in;
// copy what must live longer, or take it with SwapReadBuffer (the caller
// gets the read buffer's array, the connection the caller's: no copy). RoundTrip and WriteMessage never keep the
// request. Description.Hello is a copy and lives as long as the
// Description.
//
// # Security
//
//   - TLS is on when ConnConfig.TLS is set. TLSOptions.Config verifies the
//     certificate chain against the system roots (or tlsCAFile) and the
//     host name, with TLS 1.2 at least. tlsAllowInvalidHostnames still
//     verifies the chain (in VerifyConnection); tlsInsecure and
//     tlsAllowInvalidCertificates verify nothing: for tests only.
//     Certificate failures say what to change (tlsCAFile, the name).
//   - tlsCertificateKeyFile is loaded by package clientcert, which a
//     program imports for it (import _ ".../clientcert"): the private-key
//     parsers and signers it links are about 200 KB of a stripped binary.
//     Without the import, Config refuses the option with an error naming
//     the package. tlsCertificateKeyFilePassword decrypts legacy encrypted
//     PEM keys; PKCS#8-encrypted keys are refused with an explanation (the
//     standard library cannot decrypt them).
//   - Passwords never appear in errors or events: authentication errors
//     come from package auth (mechanism, source and user only), and TLS
//     errors name options and files, never the key password. TLSOptions
//     and ConnConfig redact themselves for every fmt verb, for
//     encoding/json and for log/slog; a ConnConfig shows its *tls.Config
//     (which holds private keys) only as whether TLS is on.
//   - The handshake and the authentication conversation are never
//     compressed (CRIME-style attacks).
package pool
