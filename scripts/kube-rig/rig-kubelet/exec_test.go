package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/utils/exec"
)

type buffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

func (b *buffer) Close() error { return nil }

func runningExec(t *testing.T) localExec {
	t.Helper()
	rt := newFakeRuntime(t.TempDir(), []string{"rig-node-0"})
	t.Cleanup(rt.stopAll)
	pod := podWithStatus(v1.ContainerStatus{State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}})
	pod.Spec.Containers[0].Env = []v1.EnvVar{{Name: "GREETING", Value: "hello"}, {Name: "FROM_SECRET", ValueFrom: &v1.EnvVarSource{}}}
	rt.sync(pod)
	target, _ := rt.execTarget(pod.UID, "web")
	return localExec{rt: rt, pod: pod, spec: &pod.Spec.Containers[0], target: target}
}

func TestExecReportsOutputAndExitCode(t *testing.T) {
	e := runningExec(t)
	var stdout, stderr buffer
	err := e.ExecInContainer(t.Context(), "", "", "", []string{"sh", "-c", `echo "$GREETING from $HOSTNAME in $PWD${FROM_SECRET:-}"; read line; echo "got $line" >&2; exit 3`},
		strings.NewReader("input\n"), &stdout, &stderr, false, nil, 0)
	var exited utilexec.ExitError
	if !errors.As(err, &exited) || exited.ExitStatus() != 3 {
		t.Fatalf("exit: %v", err)
	}
	if want := "hello from shop in " + e.target.workDir + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	if stderr.String() != "got input\n" {
		t.Errorf("stderr %q", stderr.String())
	}
	if err := e.ExecInContainer(t.Context(), "", "", "", []string{"true"}, nil, &stdout, &stderr, false, nil, 0); err != nil {
		t.Errorf("true: %v", err)
	}
}

func TestExecOfAMissingCommandFailsToStart(t *testing.T) {
	e := runningExec(t)
	err := e.ExecInContainer(t.Context(), "", "", "", []string{"no-such-command"}, nil, &buffer{}, &buffer{}, false, nil, 0)
	var exited utilexec.ExitError
	if err == nil || errors.As(err, &exited) || !strings.Contains(err.Error(), `exec: "no-such-command": executable file not found in $PATH`) {
		t.Errorf("got %v", err)
	}
}

func TestExecOnATerminalFollowsResizes(t *testing.T) {
	e := runningExec(t)
	stdinReader, stdin := io.Pipe()
	var stdout buffer
	resize := make(chan remotecommand.TerminalSize)
	done := make(chan error, 1)
	go func() {
		done <- e.ExecInContainer(t.Context(), "", "", "", []string{"sh"}, stdinReader, &stdout, nil, true, resize, 0)
	}()
	ask := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(stdout.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in %q", want, stdout.String())
			}
			_, _ = io.WriteString(stdin, "stty size\n")
			time.Sleep(100 * time.Millisecond)
		}
	}
	ask("24 80")
	resize <- remotecommand.TerminalSize{Width: 123, Height: 40}
	ask("40 123")
	_, _ = io.WriteString(stdin, "exit 7\n")
	var exited utilexec.ExitError
	if err := <-done; !errors.As(err, &exited) || exited.ExitStatus() != 7 {
		t.Errorf("exit: %v", err)
	}
}
