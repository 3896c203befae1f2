package wire

import "unsafe"

// unsafeString views b as a string without copying. Only for strings that do
// not outlive the call and while b is not modified.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
