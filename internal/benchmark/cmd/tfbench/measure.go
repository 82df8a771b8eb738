package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// measurement is what one CLI command cost.
type measurement struct {
	wall time.Duration
	// cpu is user+system time of the CLI and of every process it waited
	// for, providers included (the rusage wait4 returns).
	cpu time.Duration
	// providerPeakRSS is the largest VmHWM seen among the provider processes
	// the CLI started, in bytes (see peakProviderRSS).
	providerPeakRSS uint64
	exitCode        int
	output          []byte
}

// runCLI runs one CLI command in dir and measures it. A non-zero exit is not
// an error here: plan -detailed-exitcode uses 2 for "changes".
func runCLI(ctx context.Context, cli, dir string, env []string, args ...string) (measurement, error) {
	var m measurement
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, cli, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &out, &out
	// A process group of its own, so that a timeout also ends the providers.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return m, err
	}
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() { peak <- peakProviderRSS(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	m.wall = time.Since(start)
	close(stop)
	m.providerPeakRSS = <-peak
	m.output = out.Bytes()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		m.exitCode = exit.ExitCode()
	default:
		return m, fmt.Errorf("%s %s: %w", filepath.Base(cli), args[0], err)
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return m, nil
}

// pollInterval is how often peakProviderRSS looks. VmHWM is the kernel's
// high-water mark of a process's resident set, so a poll sees the peak so far
// however short it was; only growth in the last interval of a provider's
// life can be missed.
const pollInterval = 20 * time.Millisecond

// peakProviderRSS polls the descendants of the CLI process root until stop
// closes and returns the largest VmHWM of those whose executable is named
// terraform-provider-*: the peak resident memory of one provider process
// (a CLI may start a provider several times per command; they are not
// added up).
func peakProviderRSS(root int, stop <-chan struct{}) uint64 {
	var peak uint64
	isProvider := map[int]bool{}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		for _, pid := range descendants(root) {
			known, seen := isProvider[pid]
			if !seen {
				exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
				known = strings.HasPrefix(filepath.Base(exe), "terraform-provider-")
				if exe != "" {
					isProvider[pid] = known
				}
			}
			if known {
				if hwm := vmHWM(pid); hwm > peak {
					peak = hwm
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// descendants lists the processes below pid, from the children files of
// every thread (a Go program forks from any of its threads); where the
// kernel has no children files, from the parent fields of all of /proc.
func descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		kids, ok := childrenOf(p)
		if !ok {
			return descendantsByScan(pid)
		}
		out = append(out, kids...)
		queue = append(queue, kids...)
	}
	return out
}

func childrenOf(pid int) (kids []int, ok bool) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil, true // gone
	}
	for _, t := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if errors.Is(err, os.ErrNotExist) {
			if _, statErr := os.Stat(fmt.Sprintf("/proc/%d/task/%s", pid, t.Name())); statErr == nil {
				return nil, false // no CONFIG_PROC_CHILDREN
			}
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if k, err := strconv.Atoi(f); err == nil {
				kids = append(kids, k)
			}
		}
	}
	return kids, true
}

func descendantsByScan(root int) []int {
	entries, _ := os.ReadDir("/proc")
	parent := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		fields := strings.Fields(string(rest))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			parent[ppid] = append(parent[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, parent[p]...)
		queue = append(queue, parent[p]...)
	}
	return out
}

// vmHWM is a process's peak resident set size in bytes, 0 if it is gone.
func vmHWM(pid int) uint64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
