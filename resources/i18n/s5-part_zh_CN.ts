<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ResidentsTab</name>
        <message>
            <source>The verification of {0} is released.</source>
            <translation>已撤销{0}的实名认证。</translation>
        </message>
    </context>
    <context>
        <name>CommunityQrDialog</name>
        <message>
            <source>Open in browser</source>
            <translation>在浏览器中打开</translation>
        </message>
        <message>
            <source>The community's pages in this computer's browser (the demo server is reached from here only)</source>
            <translation>在本机浏览器中打开该社区的手机页面（演示服务器只能从本机访问）</translation>
        </message>
    </context>
    <context>
        <name>PointsTab</name>
        <message>
            <source>Make these the rule's points</source>
            <translation>设为该细则条目的分值</translation>
        </message>
        <message>
            <source>Community staff set the points of each rule item; members see them after the next sync</source>
            <translation>社区工作人员确定每个细则条目的分值；下次同步后党员即可看到</translation>
        </message>
        <message>
            <source>Area named in the seed rules; points set by the community</source>
            <translation>原始细则点名的方面；分值由社区确定</translation>
        </message>
        <message>
            <source>Points set by the community</source>
            <translation>分值由社区确定</translation>
        </message>
        <message>
            <source>The rule's points are changed: members see them after the next sync.</source>
            <translation>细则分值已修改，下次同步后党员即可看到。</translation>
        </message>
    </context>
</TS>
