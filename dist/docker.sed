# Turns config/default.yaml into dist/docker.yaml (the container's config):
#   sed -f dist/docker.sed config/default.yaml > dist/docker.yaml
# CI can check they agree:
#   sed -f dist/docker.sed config/default.yaml | diff - dist/docker.yaml
1c\
# govfeed configuration of the container image (the Dockerfile copies it to\
# /etc/govfeed/govfeed.yaml). Generated from config/default.yaml by\
# dist/docker.sed: the same sources, and the settings a container needs:\
# listen on all interfaces, keep the data in the /data volume, log JSON.\
# Set feed.base_url to the public URL of the container; to use your own\
# sources, mount your file over /etc/govfeed/govfeed.yaml.\
#\
# --- config/default.yaml follows (see config/REFERENCE.md) ---
s/^listen: .*/listen: 0.0.0.0:8080/
s/^data_dir: .*/data_dir: \/data/
/^log:/,/^[a-z]/s/^  format: auto$/  format: json/
