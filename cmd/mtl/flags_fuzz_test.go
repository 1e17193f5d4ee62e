package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// FuzzParseFlags checks that the parsers of list-valued flags never panic
// and return either a usage error and nothing, or values that are valid
// for the flag and that, written back as a flag value, parse the same:
// --tasks (parseCSVTasks), --features (parseCSVFeatures), --methods
// (parseList), --shard (parseShard) and --index (parseIndices).
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{
		"species:classify,petal_width:regression", " y : binary , z:regression ", "a:classify,a:binary", "1a:classify",
		"a:b:c", "a:", ":classify", "sepal_length,sepal_width", "a,,b", "a,a", "stl,ew,pcgrad", "mgda-ub, nash",
		"1/4", "4/4", "0/1", "2/1", "+1/+2", "1/", "0,1,2", " 3 , 007", "-1", "1,", "", " ", ",",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		isUsage := func(what string, err error) {
			t.Helper()
			var u *usageError
			if !errors.As(err, &u) {
				t.Fatalf("%s: error %v (%T) is not a usage error", what, err, err)
			}
		}

		if tasks, err := parseCSVTasks("train", s); err != nil {
			isUsage("--tasks", err)
			if tasks != nil {
				t.Fatalf("--tasks %q: tasks %v with error %v", s, tasks, err)
			}
		} else {
			var parts []string
			for i, task := range tasks {
				if !taskNameRE.MatchString(task.Name) || !slices.Contains(csvKinds, task.Kind) || task.Classes != nil ||
					slices.ContainsFunc(tasks[:i], func(u datasets.CSVTask) bool { return u.Name == task.Name }) {
					t.Fatalf("--tasks %q: task %+v", s, task)
				}
				parts = append(parts, task.Name+":"+task.Kind)
			}
			if again, err := parseCSVTasks("train", strings.Join(parts, ",")); err != nil || !slices.EqualFunc(again, tasks, csvTaskEqual) || len(tasks) == 0 {
				t.Fatalf("--tasks %q: %v, then %v, %v", s, tasks, again, err)
			}
		}

		if features, err := parseCSVFeatures("train", s); err != nil {
			isUsage("--features", err)
		} else if (features == nil) != (strings.TrimSpace(s) == "") {
			t.Fatalf("--features %q: %q", s, features)
		} else if features != nil {
			for i, c := range features {
				if c == "" || c != strings.TrimSpace(c) || strings.Contains(c, ",") || slices.Contains(features[:i], c) {
					t.Fatalf("--features %q: column %q", s, c)
				}
			}
			if again, err := parseCSVFeatures("train", strings.Join(features, ",")); err != nil || !slices.Equal(again, features) {
				t.Fatalf("--features %q: %q, then %q, %v", s, features, again, err)
			}
		}

		if methods, err := parseList("bench", "methods", s, benchMethods()); err != nil {
			isUsage("--methods", err)
		} else {
			for i, m := range methods {
				if !slices.Contains(benchMethods(), m) || slices.Contains(methods[:i], m) {
					t.Fatalf("--methods %q: %q", s, methods)
				}
			}
			if again, err := parseList("bench", "methods", strings.Join(methods, ","), benchMethods()); err != nil || !slices.Equal(again, methods) {
				t.Fatalf("--methods %q: %q, then %q, %v", s, methods, again, err)
			}
		}

		if i, n, err := parseShard("bench", s); err != nil {
			isUsage("--shard", err)
			if i != 0 || n != 0 {
				t.Fatalf("--shard %q: %d/%d with error %v", s, i, n, err)
			}
		} else if i < 1 || i > n {
			t.Fatalf("--shard %q: %d/%d", s, i, n)
		} else if i2, n2, err := parseShard("bench", fmt.Sprintf("%d/%d", i, n)); err != nil || i2 != i || n2 != n {
			t.Fatalf("--shard %q: %d/%d, then %d/%d, %v", s, i, n, i2, n2, err)
		}

		if idx, err := parseIndices(s); err != nil {
			isUsage("--index", err)
			if idx != nil {
				t.Fatalf("--index %q: %v with error %v", s, idx, err)
			}
		} else {
			parts := make([]string, len(idx))
			for j, v := range idx {
				if v < 0 {
					t.Fatalf("--index %q: %v", s, idx)
				}
				parts[j] = strconv.Itoa(v)
			}
			if again, err := parseIndices(strings.Join(parts, ",")); err != nil || !slices.Equal(again, idx) || len(idx) == 0 {
				t.Fatalf("--index %q: %v, then %v, %v", s, idx, again, err)
			}
		}
	})
}
