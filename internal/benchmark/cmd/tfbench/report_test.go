package main

import (
	"strings"
	"testing"
	"time"
)

func TestUpsertSection(t *testing.T) {
	doc := "# Benchmarks\n\nMethod.\n"
	doc = upsertSection(doc, "terraform-1.5.7", "old 1.5\n")
	doc = upsertSection(doc, "opentofu-1.12.6", "tofu\n")
	doc = upsertSection(doc, "terraform-1.5.7", "new 1.5\n")
	want := "# Benchmarks\n\nMethod.\n\n" +
		"<!-- tfbench:begin terraform-1.5.7 -->\nnew 1.5\n<!-- tfbench:end terraform-1.5.7 -->\n\n" +
		"<!-- tfbench:begin opentofu-1.12.6 -->\ntofu\n<!-- tfbench:end opentofu-1.12.6 -->\n"
	if doc != want {
		t.Errorf("got:\n%s\nwant:\n%s", doc, want)
	}
	if got := upsertSection("", "k", "body\n"); got != section("k", "body\n") {
		t.Errorf("into an empty file: %q", got)
	}
}

func TestTableRatiosToTheFloor(t *testing.T) {
	floor := result{n: 10, provider: "floor", instances: 12, load: "1.00", apply: 2 * time.Second, applyCPU: time.Second,
		plan: time.Second, planCPU: time.Second, destroy: time.Second, rss: 20 << 20, state: 10240}
	mtls := floor
	mtls.provider, mtls.apply, mtls.plan, mtls.rss, mtls.state = "mtls", 3*time.Second, 4*time.Second, 40<<20, 30720
	failed := result{n: 10, provider: "tls", instances: 35, load: "2.00", err: "failed: plan after apply not empty"}
	rows := strings.Split(strings.TrimSpace(table([]result{floor, mtls, failed})), "\n")
	if len(rows) != 5 {
		t.Fatalf("want header, rule and 3 rows, got:\n%s", strings.Join(rows, "\n"))
	}
	cells := func(row string) []string {
		f := strings.Split(strings.Trim(row, "| "), " | ")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		return f
	}
	header := cells(rows[0])
	for i, row := range rows[2:] {
		if got := len(cells(row)); got != len(header) {
			t.Errorf("row %d has %d cells, the header %d:\n%s", i, got, len(header), row)
		}
	}
	want := map[string]string{"apply s": "3.00", "plan s": "4.00", "provider RSS MiB": "40.0", "state B/leaf": "3072"}
	got := cells(rows[3])
	for i, h := range header {
		if w, ok := want[h]; ok && got[i] != w {
			t.Errorf("mtls %s = %s, want %s", h, got[i], w)
		}
	}
	// Each "x floor" cell follows its measure.
	wantRatios := []string{"1.50", "4.00", "1.00", "1.00", "1.00", "2.00", "3.00"}
	var ratios []string
	for i, h := range header {
		if h == "x floor" {
			ratios = append(ratios, got[i])
		}
	}
	if strings.Join(ratios, " ") != strings.Join(wantRatios, " ") {
		t.Errorf("mtls ratios %v, want %v", ratios, wantRatios)
	}
	if !strings.Contains(rows[4], "failed: plan after apply not empty") {
		t.Errorf("the failed row does not say why: %s", rows[4])
	}
}

func TestMedianPerMeasure(t *testing.T) {
	runs := []result{
		{apply: 3 * time.Second, plan: 1 * time.Second, rss: 30},
		{apply: 1 * time.Second, plan: 9 * time.Second, rss: 10},
		{apply: 2 * time.Second, plan: 5 * time.Second, rss: 20},
	}
	m := median(runs)
	if m.apply != 2*time.Second || m.plan != 5*time.Second || m.rss != 20 {
		t.Errorf("median = apply %v, plan %v, rss %d; want 2s, 5s, 20", m.apply, m.plan, m.rss)
	}
	if m := median(runs[:2]); m.apply != 2*time.Second {
		t.Errorf("median of two = %v, want their mean 2s", m.apply)
	}
}

func TestCLIConfigOnlyOverrides(t *testing.T) {
	rc := cliConfig(map[string]string{"mtlsforge/mtls": "/p"}, []string{"mtlsforge/mtls"})
	if !strings.Contains(rc, `"mtlsforge/mtls" = "/p"`) {
		t.Errorf("no override for mtls:\n%s", rc)
	}
	// No direct or network_mirror block: a provider that is not overridden
	// fails instead of being downloaded.
	if strings.Contains(rc, "direct") || strings.Contains(rc, "mirror") {
		t.Errorf("the CLI config could download:\n%s", rc)
	}
}
