package bson

import (
	"encoding/json"
	"time"
)

// DateTime is a BSON UTC datetime: milliseconds since the Unix epoch.
type DateTime int64

// NewDateTimeFromTime returns t as a DateTime, truncated to the millisecond.
func NewDateTimeFromTime(t time.Time) DateTime {
	return DateTime(t.UnixMilli())
}

// Time returns the DateTime as a time.Time in UTC.
func (d DateTime) Time() time.Time {
	return time.UnixMilli(int64(d)).UTC()
}

// String returns the time in RFC 3339 with milliseconds, in UTC.
func (d DateTime) String() string {
	return d.Time().Format("2006-01-02T15:04:05.000Z07:00")
}

// MarshalJSON returns the time as a JSON string in RFC 3339.
func (d DateTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Time())
}

// UnmarshalJSON reads a JSON string in RFC 3339.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var t time.Time
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*d = NewDateTimeFromTime(t)
	return nil
}
