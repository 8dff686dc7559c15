# apt_source_download DIR PKG [SECONDS]: download PKG's Debian source
# package into DIR (sourced by tests and benches that build real sources).
# The candidate version first; when its files cannot be had (a security
# update whose sources the mirror does not carry answers 404), every other
# version apt knows, until one arrives. 0 when a .dsc is in DIR.
apt_source_download() {
	asd_dir=$1 asd_pkg=$2 asd_secs=${3:-120}
	(cd "$asd_dir" && timeout "$asd_secs" apt-get source -qq --download-only "$asd_pkg") >/dev/null 2>&1 &&
		ls "$asd_dir"/*.dsc >/dev/null 2>&1 && return 0
	for asd_v in $(apt-cache showsrc "$asd_pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -u); do
		(cd "$asd_dir" && timeout "$asd_secs" apt-get source -qq --download-only "$asd_pkg=$asd_v") \
			>/dev/null 2>&1 && return 0
	done
	return 1
}
