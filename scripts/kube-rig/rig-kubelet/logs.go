package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
)

// logOptions are the kubelet's /containerLogs query parameters, as the API server forwards them.
type logOptions struct {
	follow     bool
	previous   bool
	timestamps bool
	tail       int64 // lines from the end; < 0: all
	limit      int64 // bytes; < 0: no limit
	since      time.Time
	stream     string // All, Stdout or Stderr
}

// parseLogOptions reads the query like the kubelet does (PodLogOptions, plus the legacy `tail`), with
// the API server's validation rules; `now` anchors sinceSeconds.
func parseLogOptions(query url.Values, now time.Time) (logOptions, error) {
	options := logOptions{tail: -1, limit: -1, stream: v1.LogStreamAll}
	flag := func(name string) (bool, error) {
		value := query.Get(name)
		if value == "" {
			return false, nil
		}
		parsed, err := strconv.ParseBool(value)
		if err != nil {
			return false, fmt.Errorf("%s must be true or false, not %q", name, value)
		}
		return parsed, nil
	}
	number := func(name string, min int64) (int64, bool, error) {
		value := query.Get(name)
		if value == "" {
			return 0, false, nil
		}
		parsed, err := strconv.ParseInt(value, 10, 64)
		if err != nil || parsed < min {
			return 0, false, fmt.Errorf("%s must be an integer of at least %d, not %q", name, min, value)
		}
		return parsed, true, nil
	}
	var err error
	if options.follow, err = flag("follow"); err != nil {
		return options, err
	}
	if options.previous, err = flag("previous"); err != nil {
		return options, err
	}
	if options.timestamps, err = flag("timestamps"); err != nil {
		return options, err
	}
	if legacy := query.Get("tail"); legacy != "" && legacy != "all" && query.Get("tailLines") == "" {
		query = cloneWith(query, "tailLines", legacy)
	}
	if tail, ok, err := number("tailLines", 0); err != nil {
		return options, err
	} else if ok {
		options.tail = tail
	}
	if limit, ok, err := number("limitBytes", 1); err != nil {
		return options, err
	} else if ok {
		options.limit = limit
	}
	seconds, hasSeconds, err := number("sinceSeconds", 1)
	if err != nil {
		return options, err
	}
	sinceTime := query.Get("sinceTime")
	if hasSeconds && sinceTime != "" {
		return options, errors.New("at most one of sinceTime or sinceSeconds may be specified")
	}
	if hasSeconds {
		options.since = now.Add(-time.Duration(seconds) * time.Second)
	}
	if sinceTime != "" {
		if options.since, err = time.Parse(time.RFC3339, sinceTime); err != nil {
			return options, fmt.Errorf("sinceTime must be an RFC 3339 time, not %q", sinceTime)
		}
	}
	if stream := query.Get("stream"); stream != "" {
		switch stream {
		case v1.LogStreamAll, v1.LogStreamStdout, v1.LogStreamStderr:
			options.stream = stream
		default:
			return options, fmt.Errorf("invalid stream type %q", stream)
		}
	}
	return options, nil
}

func cloneWith(query url.Values, key, value string) url.Values {
	clone := url.Values{}
	for k, v := range query {
		clone[k] = v
	}
	clone.Set(key, value)
	return clone
}

// logRun picks the run of a container whose log a request means, by the kubelet's rules
// (validateContainerLogStatus): the running one, else the one that last ended; with `previous`, the one
// before. Runs are numbered by restart count, so the run that ended last is restartCount-1 while the
// container waits to restart. The error texts are the kubelet's (the API server shows them as 400).
func logRun(pod *v1.Pod, container string, previous bool) (int32, error) {
	status, found := findStatus(pod, container)
	if !found {
		return 0, fmt.Errorf("container %q in pod %q is not available", container, pod.Name)
	}
	last := status.LastTerminationState.Terminated
	state := status.State
	switch {
	case previous:
		if last == nil || last.ContainerID == "" {
			return 0, fmt.Errorf("previous terminated container %q in pod %q not found", container, pod.Name)
		}
		return status.RestartCount - 1, nil
	case state.Running != nil:
		return status.RestartCount, nil
	case state.Terminated != nil && state.Terminated.ContainerID != "":
		return status.RestartCount, nil
	case state.Terminated != nil, last != nil:
		if last == nil || last.ContainerID == "" {
			return 0, fmt.Errorf("container %q in pod %q is terminated", container, pod.Name)
		}
		return status.RestartCount - 1, nil
	case state.Waiting != nil:
		switch reason := state.Waiting.Reason; reason {
		case "ErrImagePull":
			return 0, fmt.Errorf("container %q in pod %q is waiting to start: image can't be pulled", container, pod.Name)
		case "ImagePullBackOff":
			return 0, fmt.Errorf("container %q in pod %q is waiting to start: trying and failing to pull image", container, pod.Name)
		default:
			return 0, fmt.Errorf("container %q in pod %q is waiting to start: %v", container, pod.Name, reason)
		}
	default:
		return 0, fmt.Errorf("container %q in pod %q is waiting to start - no logs yet", container, pod.Name)
	}
}

func findStatus(pod *v1.Pod, container string) (v1.ContainerStatus, bool) {
	for _, statuses := range [][]v1.ContainerStatus{pod.Status.ContainerStatuses, pod.Status.InitContainerStatuses} {
		for _, status := range statuses {
			if status.Name == container {
				return status, true
			}
		}
	}
	return v1.ContainerStatus{}, false
}

// errLimitReached ends a copy once limitBytes are written.
var errLimitReached = errors.New("limitBytes reached")

// copyLog writes the log at `path` to `out` with the options' selection and format, calling flush after
// each batch. Following, it waits at the end of the file for `run` to change, and returns once the run
// has ended and every line is written, or when ctx is done. A nil `run` counts as ended.
func copyLog(ctx context.Context, out io.Writer, flush func(), path string, run *logFile, options logOptions) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("the log of this container run is gone: %w", err)
	}
	defer file.Close()
	if options.tail >= 0 {
		start, err := tailOffset(file, options.tail)
		if err != nil {
			return err
		}
		if _, err := file.Seek(start, io.SeekStart); err != nil {
			return err
		}
	}
	reader := bufio.NewReader(file)
	remaining := options.limit
	linesLeft := options.tail // only counted without follow, as the kubelet does
	var pending []byte
	for {
		ended, changed := true, (<-chan struct{})(nil)
		if run != nil {
			ended, changed = run.state()
		}
		// Read everything written so far, whole lines only.
		for {
			if !options.follow && options.tail >= 0 && linesLeft == 0 {
				return nil
			}
			chunk, err := reader.ReadBytes('\n')
			pending = append(pending, chunk...)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			line := pending
			pending = nil
			linesLeft--
			output, keep := renderLine(line, options)
			if !keep {
				continue
			}
			if remaining >= 0 && int64(len(output)) > remaining {
				output = output[:remaining]
			}
			if _, err := out.Write(output); err != nil {
				return err
			}
			if remaining >= 0 {
				if remaining -= int64(len(output)); remaining <= 0 {
					flush()
					return errLimitReached
				}
			}
		}
		flush()
		if !options.follow || ended {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
	}
}

// renderLine turns a stored line into output: the text, or with timestamps the line as stored. Lines
// older than `since` and lines of a stream not asked for are dropped.
func renderLine(line []byte, options logOptions) ([]byte, bool) {
	if options.stream == v1.LogStreamStderr {
		return nil, false // the fake containers write stdout only
	}
	stamp, text, found := bytes.Cut(line, []byte{' '})
	at, err := time.Parse(time.RFC3339Nano, string(stamp))
	if !found || err != nil {
		// Not a stamped line (nothing of ours writes one): pass it through as text.
		at, text = time.Time{}, line
	}
	if !options.since.IsZero() && at.Before(options.since) {
		return nil, false
	}
	if options.timestamps {
		return append([]byte(at.UTC().Format(timestampFormat)+" "), text...), true
	}
	return text, true
}

// tailOffset is where the last `lines` lines of the file begin (a last line without a newline counts).
func tailOffset(file *os.File, lines int64) (int64, error) {
	content, err := io.ReadAll(file)
	if err != nil {
		return 0, err
	}
	end := len(content)
	if end > 0 && content[end-1] == '\n' {
		end--
	}
	if lines == 0 {
		return int64(len(content)), nil
	}
	for i := end - 1; i >= 0; i-- {
		if content[i] == '\n' {
			lines--
			if lines == 0 {
				return int64(i + 1), nil
			}
		}
	}
	return 0, nil
}
