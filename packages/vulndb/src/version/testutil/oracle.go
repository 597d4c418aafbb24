// Native oracle: golang.org/x/mod/semver (Debian golang-golang-x-mod-dev), the
// package the go command uses to order module versions. Reads one JSON value per
// line: "go" mode [a, b] pairs → -1/0/1; "go-valid" mode strings → 1/0.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if os.Args[1] == "go-valid" {
			var v string
			_ = json.Unmarshal(in.Bytes(), &v)
			if semver.IsValid(v) {
				fmt.Fprintln(out, 1)
			} else {
				fmt.Fprintln(out, 0)
			}
			continue
		}
		var p [2]string
		_ = json.Unmarshal(in.Bytes(), &p)
		fmt.Fprintln(out, semver.Compare(p[0], p[1]))
	}
}
