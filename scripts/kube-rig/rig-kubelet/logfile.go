package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// timestampFormat is how log lines are stamped on disk and in `timestamps=true` output: the kubelet's
// fixed-width RFC 3339 with nanoseconds.
const timestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// logFile is the log of one run (instance) of a container: lines `<timestamp> <text>`. Every write goes
// through it, so followers learn of each new line (and of the run's end) without polling the file.
type logFile struct {
	path string

	mu      sync.Mutex
	ended   bool
	changed chan struct{} // closed (and replaced) at the next line or at the end
}

func newLogFile(path string) *logFile {
	return &logFile{path: path, changed: make(chan struct{})}
}

// formatLine is one line of a log file; a newline in text would split it, so it is escaped.
func formatLine(at time.Time, text string) []byte {
	var line bytes.Buffer
	line.WriteString(at.UTC().Format(timestampFormat))
	line.WriteByte(' ')
	line.WriteString(strings.ReplaceAll(text, "\n", `\n`))
	line.WriteByte('\n')
	return line.Bytes()
}

// append writes one line (O_APPEND: concurrent writers never interleave within a line).
func (l *logFile) append(at time.Time, text string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	file, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = file.Write(formatLine(at, text))
	if closeErr := file.Close(); err == nil {
		err = closeErr
	}
	l.notify()
	if err != nil {
		return fmt.Errorf("writing the log %s: %w", l.path, err)
	}
	return nil
}

// end marks the run as over: followers stop once they have read everything. Lines may still be appended.
func (l *logFile) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.ended {
		l.ended = true
		l.notify()
	}
}

func (l *logFile) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// state says whether the run is over, and gives a channel closed at the next change after this call.
func (l *logFile) state() (ended bool, changed <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ended, l.changed
}
