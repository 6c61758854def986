// Package article extracts one article from a Chinese government CMS page:
// its title, publication time, source, author, keywords, cleaned body and
// attachments.
//
// Evidence is read in a fixed order, most reliable first: the source's own
// CSS selectors, then the metadata tags that the national guideline for
// government websites requires (ArticleTitle, PubDate, ContentSource, …),
// then the visible labelled lines (发布时间：, 来源：, Updated:), then the body
// containers of the known CMS families (UCAP, TRS, Hanweb, NFCMS), then a
// readability-style guess, and finally the date in the URL. Article.Rules
// records which rule produced each field, so an operator can see when a site
// redesign makes the extractor fall back.
//
// The input must already be UTF-8; charset decoding happens before.
package article
