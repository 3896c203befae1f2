module github.com/torque-go/torque

go 1.23.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/klauspost/compress v1.18.2
	golang.org/x/sync v0.16.0
)
