// Command hello is the footprint baseline: the Go runtime and fmt alone.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
