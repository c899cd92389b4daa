const path = require('path');
const { task, src, dest } = require('gulp');

// tsc does not copy assets: icons and the codex file go into dist/ beside the compiled code.
function buildIcons() {
	return src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist')));
}

task('build:icons', buildIcons);
