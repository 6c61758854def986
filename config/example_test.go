package config_test

import (
	"errors"
	"fmt"

	"github.com/govfeed/govfeed/config"
)

func ExampleParse() {
	c, err := config.Parse("govfeed.yaml", []byte(`
listen: 127.0.0.1:8080
defaults:
  retention: {max_age: 90d}
sources:
  - id: cq-jrcq
    name: 今日重庆
    url: https://www.cq.gov.cn/ywdt/jrcq/
    kind: html
    schedule: "@every 1h"
    tags: [chongqing, news]
    selectors: {item: ul.tab-item li, link: a, date: span}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := c.Sources[0]
	fmt.Println(s.ID, s.Kind, s.Schedule, s.Location, s.Timeout, s.HTML.Selectors.Item)
	fmt.Println(c.Feed.ID, c.RetentionFor("cq-jrcq").MaxAge, c.Lines["cq-jrcq"])
	// Output:
	// cq-jrcq html @every 1h Asia/Shanghai 1m0s ul.tab-item li
	// http://127.0.0.1:8080/feed.atom 2160h0m0s 6
}

func ExampleParse_errors() {
	_, err := config.Parse("govfeed.yaml", []byte(`
sources:
  - id: sc-jrsc
    url: /10462/10464/10797/jrsc_list.shtml
    schedule: "*/5 * *"
    selector: {item: li}
`))
	fmt.Println(err)
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Println("first problem:", ce.Line, ce.Key)
	}
	// Output:
	// govfeed.yaml:4: sources[0].url: bad URL "/10462/10464/10797/jrsc_list.shtml": must be an absolute http:// or https:// URL
	// govfeed.yaml:5: sources[0].schedule: bad cron spec "*/5 * *": expected exactly 5 fields, found 3
	// govfeed.yaml:6: sources[0].selector: unknown key (did you mean "selectors"?)
	// first problem: 4 sources[0].url
}
