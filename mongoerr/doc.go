// Package mongoerr defines the errors a MongoDB deployment gives torque's
// users: CommandError (an {ok: 0} reply), WriteException with its
// WriteErrors and WriteConcernError (a write the server acknowledged with
// failures), and NetworkError (an I/O failure on a connection). The
// operation executor creates them; package client re-exports them under the
// same names (client.CommandError is mongoerr.CommandError), and its
// helpers IsDuplicateKey, IsTimeout, IsNetworkError and HasErrorLabel read
// them. A failed server selection is topology.SelectionError.
//
// Inspect them with errors.As:
//
//	var ce *mongoerr.CommandError
//	if errors.As(err, &ce) && ce.Code == 26 { ... } // NamespaceNotFound
//
// Every raw document an error holds (Raw, Details, KeyPattern, KeyValue) is
// a copy that the error owns. The error values are not modified after the
// driver returns them, so they are safe to read from many goroutines.
//
// # Files
//
//	doc.go      this overview
//	errors.go   CommandError, WriteError, WriteConcernError, WriteException,
//	            NetworkError
//	server_error.go  ServerError: the official driver's methods
//	            (HasErrorCode, HasErrorMessage, ErrorCodes ...) on
//	            CommandError and WriteException
package mongoerr
