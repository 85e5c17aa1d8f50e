// Command ferretdb runs FerretDB with its SQLite backend through FerretDB's embeddable package.
//
// Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb`: when FerretDB is the main module,
// its build/version package requires a generated build/version/version.txt that the published
// module does not contain, and panics at start. When FerretDB is a dependency of another main
// module (this one), the same package reports version "unknown" and starts normally; the
// embeddable package github.com/FerretDB/FerretDB/ferretdb is the supported entry point for that.
//
// Usage:
//
//	ferretdb -listen-addr 127.0.0.1:27017 -data-dir .data/ferretdb [-log-level info]
//
// SQLite files (one per database) are kept in -data-dir, which is created if missing.
// SIGINT or SIGTERM stops it cleanly.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "folder for the SQLite files (required)")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()

	if err := run(*listenAddr, *dataDir, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(listenAddr, dataDir, logLevel string) error {
	if dataDir == "" {
		return fmt.Errorf("-data-dir is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: %w", logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// The SQLite backend wants a "file:" URI naming a directory, with a trailing slash.
	sqliteURL := (&url.URL{Scheme: "file", Path: dir + "/"}).String()

	logger.Info("FerretDB starting", "listen", listenAddr, "sqlite", sqliteURL)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err = f.Run(ctx); err != nil {
		return err
	}
	logger.Info("FerretDB stopped")
	return nil
}
