// Package unified runs the MongoDB specifications' unified-format tests.
package unified
