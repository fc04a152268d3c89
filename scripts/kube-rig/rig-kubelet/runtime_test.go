package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(content)
}

// eventually polls check until it holds or five seconds have passed (a loaded machine is slow).
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !check(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

var stamped = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z `)

func TestARunningContainerLogsItsStartAndTicks(t *testing.T) {
	rt := newFakeRuntime(t.TempDir(), []string{"rig-node-0"})
	defer rt.stopAll()
	pod := podWithStatus(v1.ContainerStatus{Image: "registry.rig/web:1", State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Annotations = map[string]string{logEveryAnnotation: "10"}
	rt.sync(pod)
	rt.sync(pod) // idempotent
	path, file, err := rt.logSource(pod.UID, "web", 0)
	if err != nil || file.isEnded() {
		t.Fatalf("log source: %v", err)
	}
	eventually(t, "two ticks", func() bool { return strings.Contains(readFile(t, path), "rig: tick 2\n") })
	lines := strings.Split(strings.TrimSpace(readFile(t, path)), "\n")
	if !stamped.MatchString(lines[0]) || stamped.ReplaceAllString(lines[0], "") != "rig: started container web (image registry.rig/web:1)" {
		t.Errorf("first line: %q", lines[0])
	}
	if stamped.ReplaceAllString(lines[1], "") != "rig: tick 1" {
		t.Errorf("second line: %q", lines[1])
	}
}

func TestACrashedRunLogsItsExit(t *testing.T) {
	rt := newFakeRuntime(t.TempDir(), []string{"rig-node-0"})
	defer rt.stopAll()
	status := v1.ContainerStatus{
		Image:                "registry.rig/web:crashloop",
		RestartCount:         2,
		State:                v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
		LastTerminationState: crashed,
	}
	rt.sync(podWithStatus(status))
	path, file, err := rt.logSource("uid-1", "web", 1)
	if err != nil || !file.isEnded() {
		t.Fatalf("log source of run 1: %v", err)
	}
	want := "2026-01-02T03:04:05.000000000Z rig: started container web (image registry.rig/web:crashloop)\n" +
		"2026-01-02T03:04:05.000000000Z rig: web crashed: exit code 1\n"
	if got := readFile(t, path); got != want {
		t.Errorf("log of the crashed run: %q", got)
	}
	// Later restarts: old runs are pruned, and an older copy of the pod changes nothing.
	for restarts := int32(3); restarts <= 6; restarts++ {
		status.RestartCount = restarts
		pod := podWithStatus(status)
		pod.ResourceVersion = "2" + string('0'+rune(restarts))
		rt.sync(pod)
	}
	stale := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	rt.sync(stale)
	if _, _, err := rt.logSource("uid-1", "web", 1); err == nil {
		t.Error("run 1 is still kept after 5 more")
	}
	if _, file, err := rt.logSource("uid-1", "web", 5); err != nil || !file.isEnded() {
		t.Errorf("run 5: %v", err)
	}
	if _, running := rt.execTarget("uid-1", "web"); running {
		t.Error("a stale copy of the pod started the container")
	}
}

func TestStdoutLinesGoToTheNewestRunAndTheFilesGoWithThePod(t *testing.T) {
	root := t.TempDir()
	rt := newFakeRuntime(root, []string{"rig-node-0"})
	defer rt.stopAll()
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	rt.sync(pod)
	target, running := rt.execTarget(pod.UID, "web")
	if !running {
		t.Fatal("the container does not run")
	}
	if err := os.WriteFile(target.stdout, []byte("hello\r\nworld\n"), 0); err != nil {
		t.Fatal(err)
	}
	path, _, _ := rt.logSource(pod.UID, "web", 0)
	eventually(t, "the lines", func() bool { return strings.HasSuffix(readFile(t, path), " world\n") })
	if !strings.Contains(readFile(t, path), " hello\n") {
		t.Errorf("log: %q", readFile(t, path))
	}
	rt.forget(pod.UID)
	if entries, _ := os.ReadDir(filepath.Join(root, "pods")); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	rt.sync(pod)
	if _, running := rt.execTarget(pod.UID, "web"); running {
		t.Error("a deleted pod came back")
	}
}

// lockedBuffer is a follower's output, read while it is written.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestAFollowerGetsEveryStdoutLineWhileManyWriteAndThePodIsSyncedAgain(t *testing.T) {
	rt := newFakeRuntime(t.TempDir(), []string{"rig-node-0"})
	defer rt.stopAll()
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Annotations = map[string]string{logEveryAnnotation: "10"}
	rt.sync(pod)
	path, file, err := rt.logSource(pod.UID, "web", 0)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := rt.execTarget(pod.UID, "web")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	copied := make(chan error, 1)
	go func() {
		copied <- copyLog(ctx, out, func() {}, path, file, logOptions{follow: true, tail: 0, limit: -1, stream: "All"})
	}()
	// With tail 0 the follower starts at the end of the log: a tick shows it is there.
	eventually(t, "a followed tick", func() bool { return strings.Contains(out.String(), "rig: tick") })

	// Meanwhile the watch and each request sync the pod again: newer copies and late, older ones.
	syncing := make(chan struct{})
	synced := make(chan struct{})
	go func() {
		defer close(synced)
		for version := 11; ; version++ {
			select {
			case <-syncing:
				return
			case <-time.After(time.Millisecond):
			}
			newer := pod.DeepCopy()
			newer.ResourceVersion = strconv.Itoa(version)
			rt.sync(newer)
			rt.sync(pod)
		}
	}()
	const writers, lines = 8, 50
	var written sync.WaitGroup
	for w := range writers {
		written.Add(1)
		go func() {
			defer written.Done()
			for i := range lines {
				// As `echo … >> "$RIG_CONTAINER_LOG"` does: open, write a line, close.
				pipe, err := os.OpenFile(target.stdout, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
				if err != nil {
					t.Error(err)
					return
				}
				_, err = fmt.Fprintf(pipe, "writer %d line %d\n", w, i)
				if closeErr := pipe.Close(); err == nil {
					err = closeErr
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	written.Wait()
	eventually(t, "every written line followed", func() bool { return strings.Count(out.String(), "writer ") == writers*lines })
	close(syncing)
	<-synced
	cancel()
	if err := <-copied; err != nil {
		t.Fatal(err)
	}
	followed := out.String()
	for w := range writers {
		for i := range lines {
			if line := fmt.Sprintf("\nwriter %d line %d\n", w, i); strings.Count(followed, line) != 1 {
				t.Fatalf("%q followed %d times", line, strings.Count(followed, line))
			}
		}
	}
}

func TestPodsOfOtherNodesAreNotRun(t *testing.T) {
	rt := newFakeRuntime(t.TempDir(), []string{"rig-node-0"})
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Spec.NodeName = "elsewhere"
	rt.sync(pod)
	if _, running := rt.execTarget(types.UID("uid-1"), "web"); running {
		t.Error("ran a pod of another node")
	}
}
