<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SyncText</name>
    <message>
        <location filename="../../ui/widgets/sync_status.py" line="70"/>
        <source>{0} refused by the server</source>
        <translation>{0} 项被服务器拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sync_status.py" line="72"/>
        <source>1 conflict</source>
        <translation>1 项冲突</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sync_status.py" line="74"/>
        <source>{0} conflicts</source>
        <translation>{0} 项冲突</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../ui/widgets/sync_status.py" line="100"/>
        <source>Open the Sync page to see why and what to do</source>
        <translation>打开“同步”页面，查看原因和处理办法</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="160"/>
        <source>Refused changes and conflicts waiting for you: {0}</source>
        <translation>待您处理的被拒绝修改和冲突：{0} 项</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <location filename="../../ui/pages/visits.py" line="200"/>
        <source>Refused by the server: {0}</source>
        <translation>服务器拒绝：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/visits.py" line="210"/>
        <source>The server refused the visit logged here ({0}). It does not count as visited; see the Sync page.</source>
        <translation>这次走访被服务器拒绝（{0}），不计为已走访；详见“同步”页面。</translation>
    </message>
</context>
<context>
    <name>HouseholdView</name>
    <message>
        <location filename="../../ui/widgets/register_household_view.py" line="143"/>
        <source>The server refused this household: {0}. It is on this computer only; see the Sync page.</source>
        <translation>服务器拒绝了这户：{0}。它只保存在本机；详见“同步”页面。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/register_household_view.py" line="200"/>
        <source>refused by the server: {0}</source>
        <translation>被服务器拒绝：{0}</translation>
    </message>
</context>
</TS>
