package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// result is one provider at one N on one engine: the median of its runs.
type result struct {
	n         int
	provider  string
	instances int
	load      string // 1-minute load average when its first apply started
	apply     time.Duration
	applyCPU  time.Duration
	plan      time.Duration
	planCPU   time.Duration
	destroy   time.Duration
	rss       uint64 // provider peak RSS over apply, plan and destroy
	state     int64  // bytes of terraform.tfstate after apply
	err       string // why the row has no numbers
}

// median of each measure over runs, taken one measure at a time.
func median(runs []result) result {
	r := runs[0]
	pick := func(get func(result) float64) float64 {
		vals := make([]float64, len(runs))
		for i, run := range runs {
			vals[i] = get(run)
		}
		sort.Float64s(vals)
		if len(vals)%2 == 1 {
			return vals[len(vals)/2]
		}
		return (vals[len(vals)/2-1] + vals[len(vals)/2]) / 2
	}
	dur := func(get func(result) time.Duration) time.Duration {
		return time.Duration(pick(func(r result) float64 { return float64(get(r)) }))
	}
	r.apply = dur(func(r result) time.Duration { return r.apply })
	r.applyCPU = dur(func(r result) time.Duration { return r.applyCPU })
	r.plan = dur(func(r result) time.Duration { return r.plan })
	r.planCPU = dur(func(r result) time.Duration { return r.planCPU })
	r.destroy = dur(func(r result) time.Duration { return r.destroy })
	r.rss = uint64(pick(func(r result) float64 { return float64(r.rss) }))
	r.state = int64(pick(func(r result) float64 { return float64(r.state) }))
	return r
}

// table renders the results of one engine, one row per N and provider,
// each measure followed by its ratio to the floor at the same N.
func table(results []result) string {
	floor := map[int]result{}
	for _, r := range results {
		if r.provider == "floor" && r.err == "" {
			floor[r.n] = r
		}
	}
	var b strings.Builder
	b.WriteString("| N | provider | resources | load | apply s | x floor | plan s | x floor | destroy s | x floor | apply CPU s | x floor | plan CPU s | x floor | provider RSS MiB | x floor | state KiB | state B/leaf | x floor |\n")
	b.WriteString("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range results {
		if r.err != "" {
			fmt.Fprintf(&b, "| %d | %s | %d | %s | %s |%s\n", r.n, r.provider, r.instances, r.load, r.err, strings.Repeat(" - |", 14))
			continue
		}
		f, haveFloor := floor[r.n]
		ratio := func(v, base float64) string {
			if !haveFloor || base == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", v/base)
		}
		secs := func(d, base time.Duration) string {
			return fmt.Sprintf("%.2f | %s", d.Seconds(), ratio(d.Seconds(), base.Seconds()))
		}
		perLeaf := float64(r.state) / float64(r.n)
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s | %s | %s | %s | %s | %.1f | %s | %.1f | %.0f | %s |\n",
			r.n, r.provider, r.instances, r.load,
			secs(r.apply, f.apply), secs(r.plan, f.plan), secs(r.destroy, f.destroy),
			secs(r.applyCPU, f.applyCPU), secs(r.planCPU, f.planCPU),
			float64(r.rss)/(1<<20), ratio(float64(r.rss), float64(f.rss)),
			float64(r.state)/1024, perLeaf, ratio(perLeaf, float64(f.state)/float64(r.n)))
	}
	return b.String()
}

// section is the block of one engine's results in the output file, between
// markers so that a rerun replaces it and leaves the other engines alone.
func section(key, body string) string {
	return fmt.Sprintf("<!-- tfbench:begin %s -->\n%s<!-- tfbench:end %s -->\n", key, body, key)
}

// upsertSection replaces the section key in doc, or appends it.
func upsertSection(doc, key, body string) string {
	begin, end := fmt.Sprintf("<!-- tfbench:begin %s -->", key), fmt.Sprintf("<!-- tfbench:end %s -->\n", key)
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i >= 0 && j > i {
		return doc[:i] + section(key, body) + doc[j+len(end):]
	}
	if doc != "" && !strings.HasSuffix(doc, "\n\n") {
		doc = strings.TrimRight(doc, "\n") + "\n\n"
	}
	return doc + section(key, body)
}

// machine describes the host in one line.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%d CPUs (%s)%s, Linux %s, %s", runtime.NumCPU(), model, mem, strings.TrimSpace(string(kernel)), runtime.Version())
}

// loadAverage is the 1-minute load average, or "?".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
