//go:build tools

// Package tools pins the kcp v0.11.0 commands the real-kcp suites run, so `go mod tidy` keeps what they need.
package tools

import (
	_ "github.com/kcp-dev/kcp/cmd/kcp"
	_ "github.com/kcp-dev/kcp/cmd/kubectl-kcp"
	_ "github.com/kcp-dev/kcp/cmd/syncer"
)
