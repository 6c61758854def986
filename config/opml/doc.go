// Package opml reads and writes OPML subscription lists, the format every
// feed reader imports and exports, and turns the feeds of one into
// `sources:` entries of a govfeed configuration file.
//
// Write produces OPML 2.0 (http://opml.org/spec2.opml). Read accepts OPML
// 1.0, 1.1 and 2.0 as real readers export them: Feedly, Miniflux,
// NetNewsWire, newsboat and others, with or without type="rss", with
// attribute names in any case (xmlUrl, xmlurl, xmlURL), in any charset
// the XML prolog names (UTF-8, GBK, GB18030, Big5, ...).
//
// Folders become categories: a feed inside the folder "News" has Category
// "News", one inside "News" inside "China" has "China/News".
package opml
