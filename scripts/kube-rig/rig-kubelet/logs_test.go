package main

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestParseLogOptions(t *testing.T) {
	options, err := parseLogOptions(url.Values{}, epoch)
	if err != nil || options.follow || options.previous || options.timestamps || options.tail != -1 || options.limit != -1 || !options.since.IsZero() || options.stream != "All" {
		t.Fatalf("defaults: %+v, %v", options, err)
	}
	options, err = parseLogOptions(url.Values{
		"follow": {"true"}, "previous": {"true"}, "timestamps": {"true"},
		"tailLines": {"3"}, "limitBytes": {"100"}, "sinceSeconds": {"60"}, "stream": {"Stdout"},
	}, epoch)
	if err != nil || !options.follow || !options.previous || !options.timestamps || options.tail != 3 || options.limit != 100 || !options.since.Equal(epoch.Add(-time.Minute)) || options.stream != "Stdout" {
		t.Fatalf("all set: %+v, %v", options, err)
	}
	options, err = parseLogOptions(url.Values{"sinceTime": {"2026-01-02T03:00:00Z"}, "tail": {"7"}}, epoch)
	if err != nil || !options.since.Equal(time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)) || options.tail != 7 {
		t.Fatalf("sinceTime and the legacy tail: %+v, %v", options, err)
	}
	for _, bad := range []url.Values{
		{"sinceTime": {"2026-01-02T03:00:00Z"}, "sinceSeconds": {"5"}},
		{"tailLines": {"-1"}},
		{"limitBytes": {"0"}},
		{"follow": {"maybe"}},
		{"stream": {"Both"}},
		{"sinceTime": {"yesterday"}},
	} {
		if _, err := parseLogOptions(bad, epoch); err == nil {
			t.Errorf("%v was accepted", bad)
		}
	}
}

func podWithStatus(status v1.ContainerStatus) *v1.Pod {
	status.Name = "web"
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: "ns", UID: "uid-1", ResourceVersion: "10"},
		Spec:       v1.PodSpec{NodeName: "rig-node-0", Containers: []v1.Container{{Name: "web", Image: "registry.rig/web:1"}}},
		Status:     v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: []v1.ContainerStatus{status}},
	}
}

var crashed = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
	ExitCode: 1, Reason: "Error", ContainerID: "containerd://abc",
	StartedAt: metav1.NewTime(epoch), FinishedAt: metav1.NewTime(epoch),
}}

func TestLogRun(t *testing.T) {
	running := podWithStatus(v1.ContainerStatus{RestartCount: 0, State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	if run, err := logRun(running, "web", false); err != nil || run != 0 {
		t.Errorf("running: %d, %v", run, err)
	}
	if _, err := logRun(running, "web", true); err == nil || err.Error() != `previous terminated container "web" in pod "shop" not found` {
		t.Errorf("previous of a first run: %v", err)
	}
	crashLooping := podWithStatus(v1.ContainerStatus{
		RestartCount:         4,
		State:                v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
		LastTerminationState: crashed,
	})
	for _, previous := range []bool{false, true} {
		if run, err := logRun(crashLooping, "web", previous); err != nil || run != 3 {
			t.Errorf("crash loop (previous %v): %d, %v", previous, run, err)
		}
	}
	pulling := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "ImagePullBackOff"}}})
	if _, err := logRun(pulling, "web", false); err == nil || !strings.Contains(err.Error(), "trying and failing to pull image") {
		t.Errorf("pull back-off: %v", err)
	}
	if _, err := logRun(running, "db", false); err == nil || !strings.Contains(err.Error(), "is not available") {
		t.Errorf("unknown container: %v", err)
	}
}

func writeLog(t *testing.T, lines ...string) (string, *logFile) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "0.log")
	file := newLogFile(path)
	for i, line := range lines {
		if err := file.append(epoch.Add(time.Duration(i)*time.Second), line); err != nil {
			t.Fatal(err)
		}
	}
	return path, file
}

func readLog(t *testing.T, path string, file *logFile, options logOptions) string {
	t.Helper()
	var out bytes.Buffer
	if err := copyLog(context.Background(), &out, func() {}, path, file, options); err != nil && err != errLimitReached {
		t.Fatal(err)
	}
	return out.String()
}

func TestCopyLog(t *testing.T) {
	path, file := writeLog(t, "one", "two", "three")
	all := logOptions{tail: -1, limit: -1, stream: "All"}
	if got := readLog(t, path, file, all); got != "one\ntwo\nthree\n" {
		t.Errorf("all: %q", got)
	}
	tail := all
	tail.tail = 2
	if got := readLog(t, path, file, tail); got != "two\nthree\n" {
		t.Errorf("tail 2: %q", got)
	}
	tail.tail = 0
	if got := readLog(t, path, file, tail); got != "" {
		t.Errorf("tail 0: %q", got)
	}
	since := all
	since.since = epoch.Add(time.Second)
	since.timestamps = true
	if got := readLog(t, path, file, since); got != "2026-01-02T03:04:06.000000000Z two\n2026-01-02T03:04:07.000000000Z three\n" {
		t.Errorf("since with timestamps: %q", got)
	}
	limit := all
	limit.limit = 6
	if got := readLog(t, path, file, limit); got != "one\ntw" {
		t.Errorf("limit 6: %q", got)
	}
	stderr := all
	stderr.stream = "Stderr"
	if got := readLog(t, path, file, stderr); got != "" {
		t.Errorf("stderr: %q", got)
	}
}

func TestCopyLogFollowsUntilTheRunEnds(t *testing.T) {
	path, file := writeLog(t, "start")
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = file.append(epoch, "later")
		time.Sleep(50 * time.Millisecond)
		_ = file.append(epoch, "last")
		file.end()
	}()
	follow := logOptions{follow: true, tail: 1, limit: -1, stream: "All"}
	if got := readLog(t, path, file, follow); got != "start\nlater\nlast\n" {
		t.Errorf("follow: %q", got)
	}
}

func TestCopyLogStopsFollowingWhenTheClientGoes(t *testing.T) {
	path, file := writeLog(t, "start")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	if err := copyLog(ctx, &out, func() {}, path, file, logOptions{follow: true, tail: -1, limit: -1, stream: "All"}); err != nil || out.String() != "start\n" {
		t.Errorf("follow until cancelled: %q, %v", out.String(), err)
	}
}

func TestFormatLineKeepsOneLine(t *testing.T) {
	if got := string(formatLine(epoch, "a\nb")); got != "2026-01-02T03:04:05.000000000Z a\\nb\n" {
		t.Errorf("got %q", got)
	}
}
