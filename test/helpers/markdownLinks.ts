/**
 * Links and headings of this project's Markdown, read the way GitHub renders them: enough to tell
 * whether a relative link reaches a file and whether its `#anchor` names a heading there. Code (fenced
 * blocks and `inline spans`) is text, never a link or a heading.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface MarkdownLink {
	/** 1-based line of the link in its file. */
	line: number;
	/** The target as written: `docs/push-images.md#output`, `#credential`, `https://…`. */
	target: string;
}

export interface BrokenLink {
	file: string;
	line: number;
	target: string;
	reason: string;
}

/** The file's lines with fenced code blocks blanked (kept as empty lines, so line numbers hold). */
function proseLines(markdown: string): string[] {
	let fence: string | undefined;
	return markdown.split('\n').map((line) => {
		const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (fence !== undefined) {
			if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
			return '';
		}
		if (marker !== undefined) {
			fence = marker;
			return '';
		}
		return line;
	});
}

/** A line without its inline code spans (`` `a` ``, ``` ``a`b`` ```). */
function withoutCodeSpans(line: string): string {
	return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, ' ');
}

/** Inline links and images, `[text](target)` / `![alt](target "title")`, and HTML href/src. */
export function linksOf(markdown: string): MarkdownLink[] {
	const links: MarkdownLink[] = [];
	proseLines(markdown).forEach((raw, index) => {
		const line = withoutCodeSpans(raw);
		for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: index + 1, target: match[1] });
		for (const match of line.matchAll(/\b(?:href|src)\s*=\s*"([^"]+)"/g)) links.push({ line: index + 1, target: match[1] });
	});
	return links;
}

/** GitHub's anchor for a heading's text (github-slugger): lower case, punctuation and symbols dropped, spaces to dashes. */
export function slug(headingText: string): string {
	const text = headingText
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
		.replace(/<[^>]+>/g, '') // HTML tags
		.replace(/`([^`]*)`/g, '$1') // code spans: their content
		.replace(/(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1/g, '$2'); // emphasis
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** Every anchor a file offers: its headings' slugs (repeats numbered -1, -2 as GitHub does) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const raw of proseLines(markdown)) {
		const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(raw)?.[1];
		if (heading !== undefined) {
			const base = slug(heading);
			const count = seen.get(base) ?? 0;
			seen.set(base, count + 1);
			anchors.add(count === 0 ? base : `${base}-${count}`);
		}
		for (const match of withoutCodeSpans(raw).matchAll(/<a\s+(?:id|name)\s*=\s*"([^"]+)"/g)) anchors.add(match[1]);
	}
	return anchors;
}

/** A target that leaves the repository (a scheme such as https: or mailto:) is not checked here. */
function isExternal(target: string): boolean {
	return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** Where the links are checked: the disk, or files in memory for the checker's own tests. */
export interface Files {
	/** Whether a file or folder is there. */
	exists(absolute: string): boolean;
	/** A Markdown file's text. */
	read(absolute: string): string;
}

export const disk: Files = {
	exists: (absolute) => fs.existsSync(absolute),
	read: (absolute) => fs.readFileSync(absolute, 'utf8'),
};

/**
 * The relative links of `file` (a path inside `root`) that point at no file, outside the repository,
 * or at an anchor the target does not have.
 */
export function brokenLinks(root: string, file: string, files: Files = disk): BrokenLink[] {
	const absolute = path.join(root, file);
	if (!files.exists(absolute)) return [{ file, line: 0, target: file, reason: 'the file itself does not exist' }];
	const source = files.read(absolute);
	const broken: BrokenLink[] = [];
	for (const { line, target } of linksOf(source)) {
		if (isExternal(target)) continue;
		const [rawPath, ...rest] = target.split('#');
		const fragment = rest.join('#');
		const targetPath = rawPath === '' ? absolute : path.resolve(path.dirname(absolute), decodeURIComponent(rawPath));
		const report = (reason: string) => broken.push({ file, line, target, reason });
		if (path.relative(root, targetPath).startsWith('..')) {
			report('points outside the repository');
			continue;
		}
		if (!files.exists(targetPath)) {
			report(`no such file: ${path.relative(root, targetPath)}`);
			continue;
		}
		if (rest.length === 0) continue;
		if (!targetPath.endsWith('.md')) {
			report('an anchor in a file that is not Markdown cannot be checked');
			continue;
		}
		if (!anchorsOf(files.read(targetPath)).has(fragment)) report(`no heading with the anchor #${fragment} in ${path.relative(root, targetPath)}`);
	}
	return broken;
}

/** Lines as `wc -l` counts them: newline characters. */
export function lineCount(text: string): number {
	return (text.match(/\n/g) ?? []).length;
}
