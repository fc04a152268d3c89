package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Annotations of a pod that shape what its fake containers do.
const (
	// logEveryAnnotation makes each running container append `rig: tick <n>` every so many milliseconds.
	logEveryAnnotation = "rig.gantry.dev/log-every-ms"
	// minimumLogEvery keeps a typo from filling the disk.
	minimumLogEvery = 10 * time.Millisecond
	// keptRuns is how many runs of a container keep their log: enough for `previous`.
	keptRuns = 3
)

// fakeRuntime plays the container runtime for the pods the rig's node agent runs: it follows the
// container states the agent writes, and gives each run of a container a log file (a start line, ticks
// if asked, an end line with the exit code) and each container a working directory and a stdout pipe
// for exec'd commands.
type fakeRuntime struct {
	root  string
	nodes map[string]bool

	mu        sync.Mutex
	pods      map[types.UID]*podState
	forgotten map[types.UID]bool // deleted pods: a late copy must not bring them back
}

type podState struct {
	dir        string
	version    uint64 // resourceVersion last applied: older copies (a late watch event) are ignored
	containers map[string]*containerState
	processes  map[int]bool // process groups of exec'd commands, killed with the pod
}

type containerState struct {
	name    string
	dir     string
	workDir string
	stdout  *os.File // the read end of the container's stdout pipe
	runs    map[int32]*logFile
	latest  int32         // the newest run, which lines written to stdout go to
	running int32         // the run that is running, or -1
	stop    chan struct{} // stops the running run's ticks
}

func newFakeRuntime(root string, nodes []string) *fakeRuntime {
	set := map[string]bool{}
	for _, node := range nodes {
		set[node] = true
	}
	return &fakeRuntime{root: root, nodes: set, pods: map[types.UID]*podState{}, forgotten: map[types.UID]bool{}}
}

// runs reports whether a pod is bound to one of the rig's nodes.
func (rt *fakeRuntime) runs(pod *v1.Pod) bool {
	return rt.nodes[pod.Spec.NodeName]
}

// sync brings the containers of a pod in line with its status. Idempotent; copies of the pod older than
// one already applied change nothing.
func (rt *fakeRuntime) sync(pod *v1.Pod) {
	if !rt.runs(pod) {
		return
	}
	version, _ := strconv.ParseUint(pod.ResourceVersion, 10, 64)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.forgotten[pod.UID] {
		return
	}
	state := rt.pods[pod.UID]
	if state == nil {
		state = &podState{
			dir:        filepath.Join(rt.root, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID)),
			containers: map[string]*containerState{},
			processes:  map[int]bool{},
		}
		rt.pods[pod.UID] = state
	}
	if version < state.version {
		return
	}
	state.version = version
	every := logEvery(pod)
	for _, statuses := range [][]v1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, status := range statuses {
			if err := rt.syncContainer(state, status, every); err != nil {
				log.Printf("pod %s/%s, container %s: %v", pod.Namespace, pod.Name, status.Name, err)
			}
		}
	}
}

func (rt *fakeRuntime) syncContainer(pod *podState, status v1.ContainerStatus, every time.Duration) error {
	last := status.LastTerminationState.Terminated
	state := status.State
	hasRun := state.Running != nil || state.Terminated != nil || last != nil
	container := pod.containers[status.Name]
	if container == nil {
		if !hasRun {
			return nil // nothing has started yet
		}
		var err error
		if container, err = newContainerState(pod.dir, status.Name); err != nil {
			return err
		}
		pod.containers[status.Name] = container
		go rt.collectStdout(container)
	}
	if last != nil && status.RestartCount > 0 {
		container.ended(status.RestartCount-1, status, last)
	}
	switch {
	case state.Running != nil:
		container.started(status.RestartCount, status.Image, every)
	case state.Terminated != nil && state.Terminated.ContainerID != "":
		container.ended(status.RestartCount, status, state.Terminated)
	}
	container.prune()
	return nil
}

// newContainerState makes the container's directory, working directory and stdout pipe (a FIFO held
// open for reading and writing, so writers never block and the reader never sees its end).
func newContainerState(podDir, name string) (*containerState, error) {
	dir := filepath.Join(podDir, name)
	workDir := filepath.Join(dir, "work")
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, err
	}
	fifo := filepath.Join(dir, "stdout")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil && !os.IsExist(err) {
		return nil, fmt.Errorf("making the stdout pipe %s: %w", fifo, err)
	}
	stdout, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &containerState{
		name:    name,
		dir:     dir,
		workDir: workDir,
		stdout:  stdout,
		runs:    map[int32]*logFile{},
		latest:  -1,
		running: -1,
	}, nil
}

func (c *containerState) logPath(run int32) string {
	return filepath.Join(c.dir, fmt.Sprintf("%d.log", run))
}

func (c *containerState) stdoutPath() string {
	return filepath.Join(c.dir, "stdout")
}

func (c *containerState) run(run int32) *logFile {
	file := c.runs[run]
	if file == nil {
		file = newLogFile(c.logPath(run))
		c.runs[run] = file
		if run > c.latest {
			c.latest = run
		}
	}
	return file
}

// started records that run `run` is running: its log starts now, and ticks follow if asked.
func (c *containerState) started(run int32, image string, every time.Duration) {
	if _, known := c.runs[run]; known {
		return
	}
	if c.running >= 0 && c.running != run {
		c.finish(c.running, time.Now(), "")
	}
	file := c.run(run)
	logError(file.append(time.Now(), fmt.Sprintf("rig: started container %s (image %s)", c.name, image)))
	c.running = run
	if every > 0 {
		c.stop = make(chan struct{})
		go tick(file, every, c.stop)
	}
}

// ended records that run `run` has exited as `terminated` says. A run never seen running gets its
// whole log now, stamped with the times the status gives.
func (c *containerState) ended(run int32, status v1.ContainerStatus, terminated *v1.ContainerStateTerminated) {
	file, known := c.runs[run]
	if known && file.isEnded() {
		return
	}
	if !known {
		file = c.run(run)
		startedAt := terminated.StartedAt.Time
		if startedAt.IsZero() {
			startedAt = time.Now()
		}
		logError(file.append(startedAt, fmt.Sprintf("rig: started container %s (image %s)", c.name, status.Image)))
	}
	at := terminated.FinishedAt.Time
	if known || at.IsZero() {
		at = time.Now()
	}
	c.finish(run, at, exitLine(c.name, terminated.ExitCode))
}

// finish stops a run's ticks, writes its last line (if any) and ends its log.
func (c *containerState) finish(run int32, at time.Time, lastLine string) {
	file := c.runs[run]
	if c.running == run {
		c.stopTicks()
		c.running = -1
	}
	if lastLine != "" {
		logError(file.append(at, lastLine))
	}
	file.end()
}

// exitLine is a run's last line: `rig: <name> completed: exit code 0` or `rig: <name> crashed: exit code <n>`.
func exitLine(name string, exitCode int32) string {
	if exitCode == 0 {
		return fmt.Sprintf("rig: %s completed: exit code 0", name)
	}
	return fmt.Sprintf("rig: %s crashed: exit code %d", name, exitCode)
}

// prune deletes the logs of all but the newest runs (a crash loop makes a run every few seconds).
func (c *containerState) prune() {
	for run, file := range c.runs {
		if run <= c.latest-keptRuns {
			file.end()
			delete(c.runs, run)
			_ = os.Remove(file.path)
		}
	}
}

func (c *containerState) stopTicks() {
	if c.stop != nil {
		close(c.stop)
		c.stop = nil
	}
}

func (l *logFile) isEnded() bool {
	ended, _ := l.state()
	return ended
}

func tick(file *logFile, every time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		case at := <-ticker.C:
			logError(file.append(at, fmt.Sprintf("rig: tick %d", n)))
		}
	}
}

// collectStdout stamps each line written to the container's stdout pipe and appends it to the newest
// run's log, until the pipe is closed.
func (rt *fakeRuntime) collectStdout(container *containerState) {
	reader := bufio.NewReader(container.stdout)
	for {
		line, err := reader.ReadString('\n')
		if err != nil {
			return // closed with the pod; a last line without a newline is dropped
		}
		at := time.Now()
		rt.mu.Lock()
		file := container.runs[container.latest]
		rt.mu.Unlock()
		if file != nil {
			logError(file.append(at, strings.TrimRight(line, "\r\n")))
		}
	}
}

// forget stops everything of a deleted pod: ticks, stdout pipes and exec'd commands; its files go.
func (rt *fakeRuntime) forget(uid types.UID) {
	rt.mu.Lock()
	state := rt.pods[uid]
	delete(rt.pods, uid)
	rt.forgotten[uid] = true
	if state != nil {
		for _, container := range state.containers {
			container.stopTicks()
			for _, file := range container.runs {
				file.end()
			}
			_ = container.stdout.Close()
		}
		for group := range state.processes {
			_ = syscall.Kill(-group, syscall.SIGKILL)
		}
	}
	rt.mu.Unlock()
	if state == nil {
		return
	}
	if err := os.RemoveAll(state.dir); err != nil {
		log.Printf("removing %s: %v", state.dir, err)
	}
}

// logSource is where a log request reads: the file of the run, and the run (to follow it).
func (rt *fakeRuntime) logSource(uid types.UID, container string, run int32) (string, *logFile, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	state := rt.pods[uid]
	if state == nil || state.containers[container] == nil {
		return "", nil, fmt.Errorf("container %q has no logs yet", container)
	}
	c := state.containers[container]
	file := c.runs[run]
	if file == nil {
		return "", nil, fmt.Errorf("the log of run %d of container %q is no longer kept", run, container)
	}
	return file.path, file, nil
}

// execTarget is what an exec'd command gets of its container.
type execTarget struct {
	workDir string
	stdout  string
}

func (rt *fakeRuntime) execTarget(uid types.UID, container string) (execTarget, bool) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	state := rt.pods[uid]
	if state == nil || state.containers[container] == nil || state.containers[container].running < 0 {
		return execTarget{}, false
	}
	c := state.containers[container]
	return execTarget{workDir: c.workDir, stdout: c.stdoutPath()}, true
}

// trackProcess registers an exec'd process group with its pod (killed when the pod goes); the returned
// function unregisters it. False when the pod is gone already.
func (rt *fakeRuntime) trackProcess(uid types.UID, group int) (func(), bool) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	state := rt.pods[uid]
	if state == nil {
		return nil, false
	}
	state.processes[group] = true
	return func() {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		delete(state.processes, group)
	}, true
}

// stopAll kills every exec'd command and closes the pipes (the server is stopping).
func (rt *fakeRuntime) stopAll() {
	rt.mu.Lock()
	uids := make([]types.UID, 0, len(rt.pods))
	for uid := range rt.pods {
		uids = append(uids, uid)
	}
	rt.mu.Unlock()
	for _, uid := range uids {
		rt.forget(uid)
	}
}

// logEvery is the tick interval a pod asks for with logEveryAnnotation; 0 for none.
func logEvery(pod *v1.Pod) time.Duration {
	value, ok := pod.Annotations[logEveryAnnotation]
	if !ok {
		return 0
	}
	ms, err := strconv.ParseInt(value, 10, 64)
	if err != nil || ms <= 0 {
		log.Printf("pod %s/%s: %s must be a positive number of milliseconds, not %q", pod.Namespace, pod.Name, logEveryAnnotation, value)
		return 0
	}
	return max(time.Duration(ms)*time.Millisecond, minimumLogEvery)
}

func logError(err error) {
	if err != nil {
		log.Print(err)
	}
}
