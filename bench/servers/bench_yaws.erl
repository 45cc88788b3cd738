%% Yaws (Debian yaws) under test, embedded: /echo and /z echo, /multi answers with 10 frames in one
%% reply, /bcast sends every message to each connection of the group. Compiled by the bench with
%% erlc; started as `erl -noshell -pa EBIN -s bench_yaws start PORT`. Prints LISTENING PORT and halts
%% when stdin closes. Yaws 2.1 has no permessage-deflate, so /z is never compressed.
-module(bench_yaws).
-include("yaws_api.hrl").
-export([start/1, out/1, init/1, handle_message/2, handle_info/2, terminate/2]).

-define(MULTI_FRAMES, 10).

start([PortArg]) ->
    Port = list_to_integer(atom_to_list(PortArg)),
    Dir = filename:join(["/tmp", "rodeo-bench-yaws-" ++ os:getpid()]),
    ok = filelib:ensure_dir(filename:join(Dir, "x")),
    %% The table's owner must outlive start/1 (run by init, which returns): the stdin watcher.
    Self = self(),
    spawn(fun() ->
                  ets:new(bench_group, [public, named_table, set]),
                  Self ! table_ready,
                  wait_stdin()
          end),
    receive table_ready -> ok end,
    Mods = [{Path, ?MODULE} || Path <- ["/echo", "/z", "/multi", "/bcast"]],
    SL = [{port, Port}, {listen, {127, 0, 0, 1}}, {servername, "bench"},
          {access_log, false}, {appmods, Mods}],
    GL = [{logdir, Dir}, {id, "bench"}],
    ok = yaws:start_embedded(Dir, SL, GL, "bench"),
    io:format("LISTENING ~B~n", [Port]).

wait_stdin() ->
    case io:get_line('') of
        eof -> halt(0);
        {error, _} -> halt(0);
        _ -> wait_stdin()
    end.

out(A) ->
    Mode = case A#arg.server_path of
               "/multi" -> multi;
               "/bcast" -> bcast;
               _ -> echo
           end,
    {websocket, ?MODULE, [{callback, {basic, Mode}}]}.

init([_Arg, bcast]) ->
    ets:insert(bench_group, {self()}),
    {ok, bcast};
init([_Arg, Mode]) ->
    {ok, Mode}.

handle_message({close, Status, _Reason}, _Mode) ->
    {close, Status};
handle_message({Type, Data}, echo) ->
    {reply, {Type, Data}, echo};
handle_message({Type, Data}, multi) ->
    {reply, lists:duplicate(?MULTI_FRAMES, {Type, Data}), multi};
handle_message({Type, Data}, bcast) ->
    ets:foldl(fun({Pid}, ok) -> yaws_api:websocket_send(Pid, {Type, Data}), ok end,
              ok, bench_group),
    {noreply, bcast}.

handle_info(_Info, Mode) ->
    {noreply, Mode}.

terminate(_Reason, bcast) ->
    ets:delete(bench_group, self()),
    ok;
terminate(_Reason, _Mode) ->
    ok.
