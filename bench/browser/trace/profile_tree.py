"""Where the page's main thread spent a cold open, from a trace with the V8 CPU profiler on.

Record with names kept in the WebAssembly and the profiler's category, for example:

    LEPTOS_WASM_OPT_FEATURES="-Oz,--enable-bulk-memory,--enable-nontrapping-float-to-int,-g" \\
      cargo leptos build --release
    BENCH_TRACE=/tmp/trace BENCH_ONLY=cold BENCH_RUNS=1 \\
      BENCH_TRACE_CATEGORIES="toplevel,v8,v8.wasm,blink,loading,navigation,blink.user_timing,disabled-by-default-v8.cpu_profiler" \\
      node bench/browser/run.mjs

then print the call tree of the samples between two times (ms from navigation start, as the
benchmark's timeline prints them), keeping nodes with at least MIN samples:

    python3 bench/browser/trace/profile_tree.py /tmp/trace/cold-open-1.json FROM TO [MIN] [DEPTH]

Tracing slows the page about twofold; compare sample counts, not milliseconds.
"""
import collections
import json
import re
import sys


def main(path, lo, hi, min_samples=8, max_depth=40):
    events = json.load(open(path))
    events = events['traceEvents'] if isinstance(events, dict) else events
    navigation = [e for e in events if e['name'] == 'NavigationRequest::NavigationRequest'
                  and 'roadmap' in json.dumps(e.get('args', {}))][-1]
    t0 = navigation['ts']
    pid = next(e for e in events if e['name'] == 'DocumentLoader::CommitNavigation' and e['ts'] > t0)['pid']
    threads = {(e['pid'], e['tid']): e['args']['name'] for e in events
               if e.get('ph') == 'M' and e['name'] == 'thread_name'}
    # One profile per thread, sent in chunks; node ids are per profile.
    profiles = collections.defaultdict(lambda: {'nodes': {}, 'parent': {}, 'samples': [], 'at': 0, 'tid': None})
    for e in events:
        if e['pid'] != pid or e['name'] not in ('Profile', 'ProfileChunk'):
            continue
        profile, data = profiles[e['id']], e['args']['data']
        if e['name'] == 'Profile':
            profile['at'], profile['tid'] = data.get('startTime', 0), e['tid']
            continue
        chunk = data.get('cpuProfile', {})
        for node in chunk.get('nodes', []):
            profile['nodes'][node['id']] = node['callFrame'].get('functionName', '?')
            if 'parent' in node:
                profile['parent'][node['id']] = node['parent']
        for sample, delta in zip(chunk.get('samples', []), data.get('timeDeltas', [])):
            profile['at'] += delta
            profile['samples'].append((profile['at'], sample))
    short = lambda name: re.sub(r'::h[0-9a-f]{16}', '', name)[:120]
    for profile in profiles.values():
        if threads.get((pid, profile['tid'])) != 'CrRendererMain':
            continue
        tree = {}
        for at, sample in profile['samples']:
            if not lo <= (at - t0) / 1000 < hi:
                continue
            stack, node = [], sample
            while node in profile['nodes']:
                stack.append(short(profile['nodes'][node]))
                node = profile['parent'].get(node)
            level = tree
            for name in reversed(stack):
                entry = level.setdefault(name, [0, {}])
                entry[0] += 1
                level = entry[1]

        def show(level, depth):
            for name, (count, children) in sorted(level.items(), key=lambda kv: -kv[1][0]):
                if count >= min_samples and depth <= max_depth:
                    print('  ' * depth + f'{count} {name}')
                    show(children, depth + 1)
        show(tree, 0)


if __name__ == '__main__':
    args = sys.argv[1:]
    main(args[0], float(args[1]), float(args[2]), *(int(a) for a in args[3:5]))
