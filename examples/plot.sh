#!/bin/sh
# plot.sh: draw the funnel, the forecast and the channel ROI as PNG charts
# (titles and labels may be Chinese) into a directory, for a wiki page or
# a shared folder.
#
# usage: plot.sh DIR [--since DATE]
#
# Writes DIR/funnel.png, DIR/forecast.png and DIR/roi.png, each replaced
# only once it is drawn whole.  --since (default 3m) is the cohort of leads
# for the funnel and the ROI.  Needs gnuplot; CRM_DB, CRM_CONFIG and
# CRM_USER are as for every crm tool; PATH must reach them.
set -eu

usage() { echo "usage: plot.sh DIR [--since DATE]" >&2; exit 64; }
[ $# -ge 1 ] || usage
dir=$1
shift
since=3m
while [ $# -gt 0 ]; do
	case $1 in
	--since) [ $# -ge 2 ] || usage; since=$2; shift ;;
	--since=*) since=${1#--since=} ;;
	*) usage ;;
	esac
	shift
done
command -v gnuplot >/dev/null 2>&1 || { echo "plot.sh: gnuplot not found" >&2; exit 69; }
mkdir -p "$dir"

# draw NAME COMMAND...: the command's gnuplot script through gnuplot
# into DIR/NAME.png; the script goes through a file so that a failing
# command fails the run
draw() {
	name=$1
	shift
	"$@" -f gnuplot >"$dir/.$name.gp"
	gnuplot "$dir/.$name.gp" >"$dir/.$name.png"
	[ -s "$dir/.$name.png" ] || { echo "plot.sh: $name: gnuplot drew nothing" >&2; exit 70; }
	mv "$dir/.$name.png" "$dir/$name.png"
	rm -f "$dir/.$name.gp"
}

draw funnel crm-report funnel --since "$since"
draw forecast crm-report forecast
draw roi crm-roi --since "$since"
echo "$dir/funnel.png $dir/forecast.png $dir/roi.png"
