package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/creack/pty"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/utils/exec"
)

const (
	// execPath is the PATH of exec'd commands, unless the container's spec sets one.
	execPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	// drainDelay is how long output is still read after a command exits, for what a background child
	// holding the terminal or pipes may still write.
	drainDelay = 2 * time.Second
)

// localExec runs an exec'd command as a local process of this machine, in the container's working
// directory: the kube rig's stand-in for a container (like KWOK's local exec).
type localExec struct {
	rt     *fakeRuntime
	pod    *v1.Pod
	spec   *v1.Container
	target execTarget
}

// environment is what the command sees: a PATH and HOME, the container's literal env values, then
// HOSTNAME (the pod's name) and RIG_CONTAINER_LOG (the container's stdout pipe: a line written to it is
// a line the app printed).
func (e localExec) environment(tty bool) []string {
	env := []string{"PATH=" + execPath, "HOME=" + e.target.workDir}
	if tty {
		env = append(env, "TERM=xterm")
	}
	for _, variable := range e.spec.Env {
		if variable.ValueFrom == nil {
			env = append(env, variable.Name+"="+variable.Value)
		}
	}
	return append(env, "HOSTNAME="+e.pod.Name, "RIG_CONTAINER_LOG="+e.target.stdout)
}

// ExecInContainer implements the kubelet streaming library's Executor: it returns nil for exit code 0,
// a utilexec.ExitError for any other (which the API server passes on as the exit code), or an error when
// the command cannot start (an internal error, as a container runtime reports it).
func (e localExec) ExecInContainer(_ context.Context, _ string, _ types.UID, _ string, command []string, stdin io.Reader, stdout, stderr io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(command) == 0 {
		return errors.New("no command given")
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Dir = e.target.workDir
	cmd.Env = e.environment(tty)
	if !strings.Contains(command[0], "/") {
		// exec.Command searched this server's PATH: search the command's own, as the container would.
		cmd.Path, cmd.Err = lookPath(command[0], cmd.Env)
	}
	var wait func() error
	var err error
	if tty {
		wait, err = e.startTerminal(cmd, stdin, stdout, resize)
	} else {
		wait, err = e.startPiped(cmd, stdin, stdout, stderr)
	}
	if err != nil {
		return fmt.Errorf("failed to exec in container: %w", err)
	}
	return exitError(wait())
}

// startTerminal runs the command on a new pseudo-terminal (24×80 until the client sends its size).
func (e localExec) startTerminal(cmd *exec.Cmd, stdin io.Reader, stdout io.Writer, resize <-chan remotecommand.TerminalSize) (func() error, error) {
	terminal, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return nil, err
	}
	untrack := e.track(cmd.Process.Pid)
	if resize != nil {
		go func() {
			for size := range resize {
				_ = pty.Setsize(terminal, &pty.Winsize{Rows: size.Height, Cols: size.Width})
			}
		}()
	}
	if stdin != nil {
		go func() {
			_, _ = io.Copy(terminal, stdin)
			// The client closed its input: an end-of-file, as typing Ctrl-D would.
			_, _ = terminal.Write([]byte{4})
		}()
	}
	if stdout == nil {
		stdout = discard{}
	}
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(stdout, terminal) // ends with EIO once no process holds the terminal
		close(copied)
	}()
	return func() error {
		defer untrack()
		err := cmd.Wait()
		select {
		case <-copied:
		case <-time.After(drainDelay):
		}
		_ = terminal.Close()
		<-copied
		return err
	}, nil
}

// startPiped runs the command with pipes for stdin, stdout and stderr, in a process group of its own.
func (e localExec) startPiped(cmd *exec.Cmd, stdin io.Reader, stdout, stderr io.Writer) (func() error, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = drainDelay
	var input io.WriteCloser
	if stdin != nil {
		var err error
		if input, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	untrack := e.track(cmd.Process.Pid)
	if input != nil {
		// Not through cmd.Stdin: Wait would then wait for the client's input to end.
		go func() {
			_, _ = io.Copy(input, stdin)
			_ = input.Close()
		}()
	}
	return func() error {
		defer untrack()
		err := cmd.Wait()
		if errors.Is(err, exec.ErrWaitDelay) {
			return nil // exited 0; a background child kept the output open
		}
		return err
	}, nil
}

// track registers the process group with the pod, so the pod's deletion kills it.
func (e localExec) track(group int) func() {
	untrack, ok := e.rt.trackProcess(e.pod.UID, group)
	if !ok {
		_ = syscall.Kill(-group, syscall.SIGKILL)
		return func() {}
	}
	return untrack
}

// exitError maps a finished command to what the streaming library reports: nil, or its exit code
// (128 + the signal for a command killed by one, as a shell shows it).
func exitError(err error) error {
	if err == nil {
		return nil
	}
	var exited *exec.ExitError
	if !errors.As(err, &exited) {
		return err
	}
	code := exited.ExitCode()
	if status, ok := exited.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		code = 128 + int(status.Signal())
	}
	return utilexec.CodeExitError{Err: err, Code: code}
}

// lookPath finds a command in the last PATH of env, with os/exec's error when it is not there.
func lookPath(name string, env []string) (string, error) {
	path := ""
	for _, variable := range env {
		if value, ok := strings.CutPrefix(variable, "PATH="); ok {
			path = value
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		candidate := filepath.Join(dir, name)
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return name, &exec.Error{Name: name, Err: exec.ErrNotFound}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
