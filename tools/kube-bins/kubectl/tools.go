//go:build tools

// Package tools pins kubectl's main package, so `go mod tidy` keeps every module it needs.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kubectl"
)
