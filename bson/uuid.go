package bson

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
)

// UUID is a 16-byte universally unique identifier. MongoDB stores it as
// binary subtype 4 (BinaryUUID) in the order the string form shows.
type UUID [16]byte

// NewUUID returns a random (version 4, RFC 9562) UUID.
func NewUUID() (UUID, error) {
	var u UUID
	if _, err := rand.Read(u[:]); err != nil {
		return UUID{}, err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10
	return u, nil
}

// ParseUUID parses the canonical form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
// or the 32 hexadecimal digits without dashes, in either case.
func ParseUUID(s string) (UUID, error) {
	var u UUID
	var digits [32]byte
	switch len(s) {
	case 32:
		copy(digits[:], s)
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return UUID{}, errors.New("bson: invalid UUID " + strconv.Quote(s) + ": dashes misplaced")
		}
		n := copy(digits[:], s[0:8])
		n += copy(digits[n:], s[9:13])
		n += copy(digits[n:], s[14:18])
		n += copy(digits[n:], s[19:23])
		copy(digits[n:], s[24:36])
	default:
		return UUID{}, errors.New("bson: invalid UUID: want 32 hex digits or 36 characters with dashes, got " +
			strconv.Itoa(len(s)) + " characters")
	}
	if _, err := hex.Decode(u[:], digits[:]); err != nil {
		return UUID{}, errors.New("bson: invalid UUID " + strconv.Quote(s) + ": not hexadecimal")
	}
	return u, nil
}

// String returns the canonical lower-case form with dashes.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// Binary returns u as BSON binary subtype 4. The data is a fresh copy.
func (u UUID) Binary() Binary {
	data := make([]byte, 16)
	copy(data, u[:])
	return Binary{Subtype: BinaryUUID, Data: data}
}

// UUID returns the UUID stored in b, which must be subtype 4 with 16 bytes
// of data. The legacy subtype 3 is refused: its byte order depends on the
// driver that wrote it.
func (b Binary) UUID() (UUID, error) {
	if b.Subtype != BinaryUUID {
		return UUID{}, errors.New("bson: binary subtype 0x" + strconv.FormatUint(uint64(b.Subtype), 16) +
			" is not a UUID (want subtype 0x04)")
	}
	if len(b.Data) != 16 {
		return UUID{}, errors.New("bson: UUID binary has " + strconv.Itoa(len(b.Data)) + " bytes, want 16")
	}
	var u UUID
	copy(u[:], b.Data)
	return u, nil
}
